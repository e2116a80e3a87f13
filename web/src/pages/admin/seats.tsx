import { Card } from '../../components/ui.tsx';

interface Seat {
  current: number;
  /** Held by pending invites (older callers may not ask for it). */
  pending?: number;
  limit: number | null;
  available: number | null;
}

function Bar({ label, seat }: { label: string; seat: Seat }) {
  const pending = seat.pending ?? 0;
  const pct = seat.limit ? Math.min(100, Math.round(((seat.current + pending) / seat.limit) * 100)) : 0;
  const full = seat.limit !== null && seat.current + pending >= seat.limit;
  const tone = full ? 'bar-full' : pct >= 80 ? 'bar-high' : '';
  return (
    <div className="seat">
      <div className="seat-head">
        <span className="seat-label">{label}</span>
        <span className="seat-count" data-testid={`seats-${label.toLowerCase().replace(/\s+/g, '-')}`}>
          {seat.limit === null ? `${seat.current} · unlimited` : `${seat.current} of ${seat.limit}`}
        </span>
      </div>
      <div
        className={`bar ${tone}`}
        role="meter"
        aria-label={`${label} seats`}
        aria-valuemin={0}
        aria-valuemax={seat.limit ?? seat.current}
        aria-valuenow={seat.current}
      >
        <span style={{ width: seat.limit === null ? '0%' : `${pct}%` }} />
      </div>
      {pending > 0 && (
        <div className="seat-pending small" data-testid={`seats-pending-${label.toLowerCase().replace(/\s+/g, '-')}`}>
          + {pending} held by pending {pending === 1 ? 'invite' : 'invites'}
        </div>
      )}
      <div className="seat-foot muted small">
        {seat.limit === null
          ? 'No limit on this plan'
          : full
            ? 'Full — new invites of this kind are refused'
            : `${seat.available} available`}
      </div>
    </div>
  );
}

/** Engineer and L1 seats against the plan. */
export function SeatWidget({ engineer, l1Tech }: { engineer: Seat; l1Tech: Seat }) {
  return (
    <Card title="Seats" className="seats-card">
      <div className="seats">
        <Bar label="Engineers" seat={engineer} />
        <Bar label="L1 techs" seat={l1Tech} />
      </div>
    </Card>
  );
}
