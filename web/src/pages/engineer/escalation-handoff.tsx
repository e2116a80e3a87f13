import { ClampedText } from '../../components/clamped-text.tsx';
import { CustomerLine } from '../../components/customer.tsx';
import type { Escalations_ListQuery } from '../../gql/graphql.ts';
import { formatTime, humanize, pluralize } from '../../lib/format.ts';
import '../l1/walk/walk-notes.css';

/** What the handoff holds: an ad-hoc call has notes, not steps ("0 steps" said nothing true). */
export function handoffSize(h: { transcript: readonly unknown[]; notes: readonly unknown[] }): string {
  if (h.transcript.length === 0 && h.notes.length > 0) return pluralize(h.notes.length, 'note');
  if (h.transcript.length === 0) return 'escalated before any step';
  return pluralize(h.transcript.length, 'step');
}

export type Ticket = Extract<Escalations_ListQuery['escalations'], { __typename: 'TicketPage' }>['nodes'][number];

export function Handoff({ t }: { t: Ticket }) {
  const h = t.handoff;
  if (!h) return <p className="muted">No handoff package was recorded for this ticket.</p>;
  return (
    <div className="handoff">
      <dl className="details">
        <dt>Problem</dt>
        <dd>
          <ClampedText text={h.problemStatement} lines={6} />
        </dd>
        <dt>Contact</dt>
        <dd>
          <CustomerLine name={h.customerName} contact={h.customerContact} />
        </dd>
        <dt>Flow</dt>
        <dd>{h.flowTitle ?? 'No flow (ad hoc or escalated before a walk)'}</dd>
        <dt>Reason</dt>
        <dd>
          {humanize(h.reasonCategory)}
          {h.reason ? ` — ${h.reason}` : ''}
        </dd>
      </dl>
      {h.transcript.length > 0 && (
        <>
          <h3 className="subhead">Transcript</h3>
          <ol className="transcript transcript-compact">
            {h.transcript.map((s) => (
              <li key={s.seq} className="transcript-step">
                <span className="transcript-seq">{s.seq}</span>
                <div className="transcript-body">
                  <div className="transcript-question">{s.question}</div>
                  <div className="transcript-answer">
                    <span className="answer-pill">{s.answerLabel}</span>
                    <span className="muted">{formatTime(s.at)}</span>
                  </div>
                  {s.note && <div className="transcript-note">{s.note}</div>}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
      {h.notes.length > 0 && (
        <>
          <h3 className="subhead">Notes</h3>
          <ol className="notes notes-readonly">
            {h.notes.map((n, i) => (
              <li key={i} className="note">
                <time className="note-time">{formatTime(n.at)}</time>
                <div className="note-text pre-wrap">{n.content}</div>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
