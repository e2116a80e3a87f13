import { useMutation } from 'urql';
import { ClampedText } from '../../../components/clamped-text.tsx';
import { useToast } from '../../../components/toasts.tsx';
import { Avatar, Card } from '../../../components/ui.tsx';
import { graphql } from '../../../gql/index.ts';
import { unwrap } from '../../../lib/errors.ts';
import type { Walk } from './session.ts';
import { Kbd } from './step-card.tsx';
import type { WalkDialog } from './use-flow-steps.ts';

const ReleaseDoc = graphql(`
  mutation WalkPage_Release($sessionId: ID!) {
    releaseWalk(sessionId: $sessionId) {
      __typename
      ...WalkPage_Session
      ... on Error {
        code
        message
      }
      ... on ConflictError {
        reason
      }
    }
  }
`);

export function TicketCard({ walk, meId }: { walk: Walk; meId: string }) {
  return (
    <Card title="Ticket">
      <dl className="details">
        <dt>Customer</dt>
        <dd>{walk.ticket?.customerName ? <bdi>{walk.ticket.customerName}</bdi> : <span className="muted">Not given</span>}</dd>
        <dt>Contact</dt>
        <dd>{walk.ticket?.customerContact ? <bdi>{walk.ticket.customerContact}</bdi> : <span className="muted">Not given</span>}</dd>
        <dt>Problem</dt>
        <dd data-testid="ticket-problem">
          {walk.ticket?.problemStatement ? <ClampedText text={walk.ticket.problemStatement} lines={4} /> : '—'}
        </dd>
        <dt>Handler</dt>
        <dd>
          <span className="inline-person">
            <Avatar name={walk.handler.name} seed={walk.handler.id} size="sm" />
            {walk.handler.id === meId ? 'You' : walk.handler.name}
          </span>
        </dd>
      </dl>
    </Card>
  );
}

/** Resolve, escalate or hand the call off to the desk; read-only for a watcher. */
export function FinishCard({
  walk,
  isHandler,
  readOnly,
  readOnlyReason,
  setDialog,
}: {
  walk: Walk;
  isHandler: boolean;
  readOnly: boolean;
  readOnlyReason: string | null;
  setDialog: (d: WalkDialog) => void;
}) {
  const toast = useToast();
  const [{ fetching: releasing }, releaseWalk] = useMutation(ReleaseDoc);
  const doRelease = async () => {
    const r = await releaseWalk({ sessionId: walk.id });
    if (unwrap(r.data?.releaseWalk, r.error, 'WalkSession', toast.failure))
      toast.success('Handed off to the desk', 'A colleague can pick this call up; it stays yours until they do.');
  };
  return (
    <Card title="Finish the call">
      <div className="stack">
        <button type="button" className="btn btn-primary btn-block" disabled={readOnly} onClick={() => setDialog('resolve')}>
          Resolve…
        </button>
        <button type="button" className="btn btn-secondary btn-block" disabled={readOnly} onClick={() => setDialog('escalate')}>
          Escalate…
        </button>
        {isHandler && !walk.releasedAt && (
          <button type="button" className="btn btn-ghost btn-block" disabled={releasing} onClick={() => void doRelease()}>
            Hand off to the desk
          </button>
        )}
        {readOnlyReason && (
          <p className="muted small" data-testid="finish-readonly-reason">
            {readOnlyReason}
          </p>
        )}
        {walk.kind !== 'ADHOC' && (
          <p className="muted small">
            Keys: <Kbd>Y</Kbd> / <Kbd>N</Kbd> answer, <Kbd>Enter</Kbd> continues.
          </p>
        )}
      </div>
    </Card>
  );
}
