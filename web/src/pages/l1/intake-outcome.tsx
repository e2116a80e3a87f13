import { type ReactNode, useEffect, useRef } from 'react';
import { ClampedText } from '../../components/clamped-text.tsx';
import { CustomerLine } from '../../components/customer.tsx';
import { Icon, type IconName } from '../../components/ui.tsx';
import type { EscalationReason, IntakeOutcome } from '../../gql/graphql.ts';
import type { CallDetails } from './escalate-without-walk.tsx';
import { outOfScopeTitle, suggestionReason } from './intake-words.ts';
import './intake.css';

/** How to start the call: let intake match, or go straight to a flow, a draft or notes. */
export type StartChoice = { kind: 'match' } | { kind: 'flow' | 'proposal'; id: string } | { kind: 'notes'; withArticles?: boolean };

/** An intake answer that started no walk: what the L1 chooses next. */
export interface Outcome {
  outcome: IntakeOutcome;
  reason: string;
  category?: { key: string; label: string; description: string } | null;
  suggestions: ReadonlyArray<{ score: number; reason: string; flow: { id: string; title: string; description?: string | null } }>;
}

function Panel({ icon, tone, title, children }: { icon: IconName; tone: string; title: string; children: ReactNode }) {
  // The answer replaces the form: focus moves to it, so a screen reader says what came back.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className={`intake-outcome intake-outcome-${tone}`} aria-labelledby="intake-outcome-title" data-testid="intake-outcome">
      <div className="intake-outcome-head">
        <span className="intake-outcome-icon">
          <Icon name={icon} />
        </span>
        <h3 id="intake-outcome-title" ref={heading} tabIndex={-1}>
          {title}
        </h3>
      </div>
      {children}
    </section>
  );
}

/** What the L1 typed, shown on every outcome screen, with the way back to change it. */
function TypedDetails({ details, onBack, busy }: { details: CallDetails; onBack: () => void; busy: boolean }) {
  return (
    <div className="intake-typed" data-testid="intake-typed">
      <div className="intake-typed-text">
        <span className="muted small">
          <CustomerLine name={details.customerName} contact={details.customerContact} />
        </span>
        <ClampedText text={details.problem} lines={3} />
      </div>
      <button type="button" className="btn btn-ghost btn-sm" disabled={busy} onClick={onBack}>
        Change the details
      </button>
    </div>
  );
}

export function IntakeOutcomePanel({
  outcome,
  details,
  busy,
  onStart,
  onEscalate,
  onBack,
}: {
  outcome: Outcome;
  details: CallDetails;
  busy: boolean;
  onStart: (c: StartChoice) => void;
  onEscalate: (category: EscalationReason) => void;
  onBack: () => void;
}) {
  const typed = <TypedDetails details={details} onBack={onBack} busy={busy} />;
  const notes = (
    <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onStart({ kind: 'notes' })}>
      Take notes
    </button>
  );

  if (outcome.outcome === 'SUGGEST') {
    return (
      <Panel icon="flow" tone="info" title="These flows might fit">
        {typed}
        <p className="muted small">{outcome.reason}</p>
        <ol className="intake-suggestions" aria-label="Suggested flows">
          {outcome.suggestions.map((s) => (
            <li key={s.flow.id} className="intake-suggestion">
              <div className="intake-suggestion-text">
                <span className="intake-suggestion-title">{s.flow.title}</span>
                <span className="muted small">{suggestionReason(s.flow.title, s.reason)}</span>
              </div>
              <button
                type="button"
                className="btn btn-primary btn-sm"
                disabled={busy}
                aria-label={`Walk this flow: ${s.flow.title}`}
                onClick={() => onStart({ kind: 'flow', id: s.flow.id })}
              >
                Walk this flow
              </button>
            </li>
          ))}
        </ol>
        <div className="intake-none">
          <p className="small">
            <strong>None of these?</strong> Take notes on the call, with the knowledge-base articles that match it listed beside your notes.
            (Walks built step by step from your articles are coming.)
          </p>
          <div className="intake-outcome-actions">
            <button
              type="button"
              className="btn btn-secondary"
              disabled={busy}
              onClick={() => onStart({ kind: 'notes', withArticles: true })}
            >
              Build from the knowledge base
            </button>
            {notes}
          </div>
        </div>
      </Panel>
    );
  }

  if (outcome.outcome === 'OUT_OF_SCOPE') {
    return (
      <Panel icon="alert" tone="warning" title={outOfScopeTitle(outcome.category)}>
        {typed}
        <p>{outcome.reason}</p>
        <p className="muted small">Hand it to an engineer now: they get what you typed, and no walk is started.</p>
        <div className="intake-outcome-actions">
          <button type="button" className="btn btn-warning" disabled={busy} onClick={() => onEscalate('OUT_OF_SCOPE')}>
            Escalate to an engineer…
          </button>
        </div>
      </Panel>
    );
  }

  // ABORTED_NO_KB, and anything newer this screen does not know: nothing to walk.
  return (
    <Panel icon="question" tone="neutral" title="No flow or article covers this">
      {typed}
      <p>{outcome.reason}</p>
      <p className="muted small">Escalate it to an engineer, or take notes while you work it out with the caller.</p>
      <div className="intake-outcome-actions">
        <button type="button" className="btn btn-warning" disabled={busy} onClick={() => onEscalate('NO_KB_AVAILABLE')}>
          Escalate to an engineer…
        </button>
        {notes}
      </div>
    </Panel>
  );
}
