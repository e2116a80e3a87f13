import { CharLimit, LIMITS, overBy } from '../../../components/char-limit.tsx';
import { Badge, Card, EmptyState } from '../../../components/ui.tsx';
import type { StepAnswer } from '../../../gql/graphql.ts';
import type { Walk } from './session.ts';

export function Kbd({ children }: { children: string }) {
  return (
    <kbd className="kbd" aria-hidden="true">
      {children}
    </kbd>
  );
}

/** The node to answer now, with its own labels; the note goes with the answer. */
export function CurrentStep({
  walk,
  readOnly,
  busy,
  failed,
  onAnswer,
  onRetry,
  onResolve,
  onEscalate,
  note,
  setNote,
  readOnlyReason,
}: {
  walk: Walk;
  readOnly: boolean;
  readOnlyReason: string | null;
  busy: boolean;
  failed: boolean;
  onAnswer: (a: StepAnswer) => void;
  onRetry: () => void;
  onResolve: () => void;
  onEscalate: () => void;
  note: string;
  setNote: (s: string) => void;
}) {
  const node = walk.currentNode;
  if (!node) {
    return (
      <Card>
        <EmptyState title="No step to answer" icon="steps">
          This walk has no current step. Resolve or escalate it.
        </EmptyState>
      </Card>
    );
  }
  const terminal = node.kind === 'RESOLUTION' || node.kind === 'ESCALATION';
  // A note over the limit would be refused with the answer: say so before, and hold the answer.
  const noteOver = overBy(note, LIMITS.stepNote) > 0;
  const kindLabel: Record<string, string> = {
    QUESTION: 'Question',
    INSTRUCTION: 'Instruction',
    RESOLUTION: 'Resolution',
    ESCALATION: 'Escalate',
  };
  return (
    <section className={`card step-card step-${node.kind.toLowerCase()}`} aria-labelledby="current-step-text" data-testid="current-step">
      <div className="step-head">
        <Badge
          tone={node.kind === 'RESOLUTION' ? 'green' : node.kind === 'ESCALATION' ? 'amber' : node.kind === 'QUESTION' ? 'blue' : 'gray'}
        >
          {kindLabel[node.kind]}
        </Badge>
        <span className="muted">Step {(walk.steps?.length ?? 0) + 1}</span>
      </div>
      <p className="step-text" id="current-step-text">
        {node.text}
      </p>
      {!terminal && (
        <div className="field step-note">
          <label htmlFor="step-note">Note for this step (optional)</label>
          <textarea
            id="step-note"
            rows={2}
            value={note}
            disabled={readOnly}
            placeholder="What did the customer say or see?"
            aria-describedby="step-note-count"
            aria-invalid={overBy(note, LIMITS.stepNote) > 0 || undefined}
            onChange={(e) => setNote(e.target.value)}
          />
          <CharLimit id="step-note-count" value={note} max={LIMITS.stepNote} showFrom={LIMITS.stepNote * 0.8} />
        </div>
      )}
      <div className="step-actions" role="group" aria-label="Answer">
        {node.kind === 'QUESTION' && (
          <>
            <button
              type="button"
              className="btn btn-answer btn-yes"
              disabled={readOnly || busy || noteOver}
              onClick={() => onAnswer('YES')}
            >
              {node.yesLabel} <Kbd>Y</Kbd>
            </button>
            <button type="button" className="btn btn-answer btn-no" disabled={readOnly || busy || noteOver} onClick={() => onAnswer('NO')}>
              {node.noLabel} <Kbd>N</Kbd>
            </button>
          </>
        )}
        {node.kind === 'INSTRUCTION' && (
          <button
            type="button"
            className="btn btn-answer btn-continue"
            disabled={readOnly || busy || noteOver}
            onClick={() => onAnswer('CONTINUE')}
          >
            Continue <Kbd>Enter</Kbd>
          </button>
        )}
        {node.kind === 'RESOLUTION' && (
          <>
            <button type="button" className="btn btn-primary" disabled={readOnly} onClick={onResolve}>
              Resolve ticket <Kbd>R</Kbd>
            </button>
            <button type="button" className="btn btn-secondary" disabled={readOnly} onClick={onEscalate}>
              Escalate instead
            </button>
          </>
        )}
        {node.kind === 'ESCALATION' && (
          <>
            <button type="button" className="btn btn-warning" disabled={readOnly} onClick={onEscalate}>
              Escalate to engineers <Kbd>E</Kbd>
            </button>
            <button type="button" className="btn btn-secondary" disabled={readOnly} onClick={onResolve}>
              Resolve anyway
            </button>
          </>
        )}
        {busy && <span className="muted saving-hint">Saving…</span>}
      </div>
      {readOnly && readOnlyReason && (
        <p className="muted small readonly-reason" data-testid="readonly-reason">
          {readOnlyReason}
        </p>
      )}
      {failed && !busy && (
        <div className="banner banner-error inline-banner" role="alert">
          Your answer was not saved.
          <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
            Retry
          </button>
        </div>
      )}
    </section>
  );
}
