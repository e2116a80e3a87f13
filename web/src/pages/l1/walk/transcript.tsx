import { Card, EmptyState } from '../../../components/ui.tsx';
import { formatTime, pluralize } from '../../../lib/format.ts';
import type { Walk } from './session.ts';

export function Transcript({ walk }: { walk: Walk }) {
  // Null only for someone who may not read a live call; the walk page is the L1 desk's.
  const steps = walk.steps ?? [];
  if (steps.length === 0) {
    return (
      <Card title="Transcript">
        <EmptyState title="No steps yet" icon="steps">
          Each answer is recorded here with the label chosen.
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card title="Transcript" actions={<span className="muted">{pluralize(steps.length, 'step')}</span>}>
      <ol className="transcript" data-testid="transcript">
        {steps.map((s) => (
          <li key={s.id} className="transcript-step">
            <span className="transcript-seq">{s.seq}</span>
            <div className="transcript-body">
              <div className="transcript-question">{s.question}</div>
              <div className="transcript-answer">
                <span className={`answer-pill answer-${s.answer.toLowerCase()}`}>{s.answerLabel}</span>
                <span className="muted">
                  {s.actor.name} · {formatTime(s.createdAt)}
                  {s.actingAs === 'l1_coverage' ? ' · coverage' : ''}
                </span>
              </div>
              {s.note && <div className="transcript-note">{s.note}</div>}
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}
