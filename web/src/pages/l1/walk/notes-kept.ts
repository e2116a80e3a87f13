/**
 * What is typed but not yet on the server, kept in this browser per user and walk: a reload, a
 * crash or a lost connection gives it back instead of losing it. Cleared once the server has it
 * all, and at sign-out (a shared desk PC must not hand one technician's notes to the next).
 * `baseVersion` is the walk version the kept notes were edited from.
 */
export interface Kept {
  notes: Array<{ at: string; content: string }> | null;
  draft: string;
  baseVersion: number | null;
}
export const KEPT_NOTES_PREFIX = 'l1.walk-notes.';
const keptKey = (userId: string, walkId: string) => `${KEPT_NOTES_PREFIX}${userId}.${walkId}`;

export function readKept(userId: string, walkId: string): Kept | null {
  try {
    const raw = localStorage.getItem(keptKey(userId, walkId));
    const v = raw ? (JSON.parse(raw) as Kept) : null;
    return v && (typeof v.draft === 'string' || Array.isArray(v.notes))
      ? {
          notes: Array.isArray(v.notes) ? v.notes : null,
          draft: v.draft ?? '',
          baseVersion: typeof v.baseVersion === 'number' ? v.baseVersion : null,
        }
      : null;
  } catch {
    return null;
  }
}

export function writeKept(userId: string, walkId: string, kept: Kept | null) {
  try {
    if (!kept || (!kept.notes && !kept.draft)) localStorage.removeItem(keptKey(userId, walkId));
    else localStorage.setItem(keptKey(userId, walkId), JSON.stringify(kept));
  } catch {
    // Storage full or disabled: the beforeunload warning still stands.
  }
}

/**
 * Notes saved by someone else since ours were kept, plus ours that the server does not have, in
 * time order: neither side's notes are lost (a note one side deleted may come back, never vanish).
 */
export function mergeNotes(server: ReadonlyArray<{ at: string; content: string }>, mine: ReadonlyArray<{ at: string; content: string }>) {
  const key = (n: { at: string; content: string }) => `${n.at}\u0000${n.content}`;
  const have = new Set(server.map(key));
  const byTime = new Map<string, { at: string; content: string }[]>();
  // A note edited on both sides keeps both texts: ours is added next to theirs.
  for (const n of [...server, ...mine.filter((n) => !have.has(key(n)))]) byTime.set(n.at, [...(byTime.get(n.at) ?? []), n]);
  return [...byTime.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, ns]) => ns);
}
