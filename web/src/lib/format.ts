// Pure formatting helpers (unit-tested in tests/web).

/** "Good morning" before noon, "Good afternoon" until 18:00, "Good evening" after. */
export function greeting(hour: number): string {
  if (hour >= 5 && hour < 12) return 'Good morning';
  if (hour >= 12 && hour < 18) return 'Good afternoon';
  return 'Good evening';
}

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0]![0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]![0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** Idle time as a compact, ticking clock: "8s", "4m 05s", "2h 03m", "3d 4h". */
export function formatIdle(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", then a date. */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const diff = Math.round((now - t) / 1000);
  if (diff < 0) return 'in the future';
  if (diff < 45) return 'just now';
  if (diff < 3600) return `${Math.max(1, Math.round(diff / 60))} min ago`;
  if (diff < 86_400) return `${Math.round(diff / 3600)} h ago`;
  if (diff < 2 * 86_400) return 'yesterday';
  return formatDate(iso);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** "Tuesday, 21 November". */
export function longDate(d: Date): string {
  return d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
}

/** UPPER_SNAKE or lower_snake enum values as a sentence: "NO_KB_AVAILABLE" → "No KB available". */
export function humanize(value: string | null | undefined): string {
  if (!value) return '—';
  const known: Record<string, string> = {
    L1_TECH: 'L1 tech',
    l1_tech: 'L1 tech',
    NO_KB_AVAILABLE: 'No knowledge base available',
    no_kb_available: 'No knowledge base available',
    AI_BUILD: 'AI build',
    ADHOC: 'Ad hoc',
    adhoc: 'Ad hoc',
    AI_REALTIME_L1: 'AI (live L1)',
    KB_ACCELERATOR: 'KB accelerator',
    AI_PROMOTED: 'AI promoted',
    l1_coverage: 'L1 coverage',
  };
  if (known[value]) return known[value]!;
  const words = value.toLowerCase().split('_').filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Seconds as the largest whole unit: 900 → "15 minutes", 259200 → "3 days". */
export function formatDuration(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${seconds} seconds`;
}

export function pluralize(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// Intake needs only the problem (DESIGN §14): who called, and how to reach them, may be unknown.
export const NO_CUSTOMER = 'No customer given';

/** The caller's name, or a placeholder when the L1 did not get one. */
export function customerLabel(name: string | null | undefined): string {
  return name?.trim() ? name : NO_CUSTOMER;
}
