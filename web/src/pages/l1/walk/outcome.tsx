import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation } from 'urql';
import { useMe } from '../../../components/me.tsx';
import { useToast } from '../../../components/toasts.tsx';
import { StatusBadge } from '../../../components/ui.tsx';
import { graphql } from '../../../gql/index.ts';
import { unwrap } from '../../../lib/errors.ts';
import { formatDateTime, humanize } from '../../../lib/format.ts';
import type { Walk } from './session.ts';

const DraftFromNotesDoc = graphql(`
  mutation WalkPage_DraftFromNotes($sessionId: ID!) {
    createProposalFromWalk(sessionId: $sessionId) {
      __typename
      ... on FlowProposal {
        id
        title
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

/** After an ad-hoc call ends, its notes can become a draft tree for engineers to review. */
function DraftFromNotes({ walk }: { walk: Walk }) {
  const me = useMe();
  const toast = useToast();
  const [{ fetching }, make] = useMutation(DraftFromNotesDoc);
  const [made, setMade] = useState<{ id: string; title: string } | null>(null);
  if (walk.kind !== 'ADHOC' || (walk.status !== 'RESOLVED' && walk.status !== 'ESCALATED') || walk.createdBy.id !== me.id) return null;
  if (made) {
    return (
      <p className="draft-made" data-testid="draft-made">
        Draft “{made.title}” is ready for review. <Link to="/l1/drafts">Open my drafts</Link>
      </p>
    );
  }
  return (
    <button
      type="button"
      className="btn btn-secondary"
      disabled={fetching || (walk.notes?.length ?? 0) === 0}
      title={(walk.notes?.length ?? 0) === 0 ? 'This call has no notes to turn into a draft' : undefined}
      onClick={async () => {
        const r = await make({ sessionId: walk.id });
        const p = unwrap(r.data?.createProposalFromWalk, r.error, 'FlowProposal', toast.failure);
        if (p) {
          setMade({ id: p.id, title: p.title });
          toast.success('Draft created', 'Engineers see it in their review queue; you find it in My drafts.');
        }
      }}
    >
      {fetching ? 'Creating draft…' : 'Turn these notes into a draft'}
    </button>
  );
}

export function Outcome({ walk }: { walk: Walk }) {
  if (walk.status === 'ACTIVE') return null;
  return (
    <section className={`card outcome outcome-${walk.status.toLowerCase()}`} data-testid="walk-outcome">
      <div className="outcome-head">
        <StatusBadge status={walk.status} />
        <span className="muted">{formatDateTime(walk.endedAt)}</span>
      </div>
      {walk.status === 'RESOLVED' && (
        <>
          <h2>Call resolved</h2>
          <p>
            {walk.kind === 'ADHOC'
              ? 'Resolved from the call notes.'
              : walk.helpful === true
                ? 'The flow helped.'
                : walk.helpful === false
                  ? 'The flow did not help.'
                  : ''}{' '}
            The ticket is {humanize(walk.ticket?.status ?? 'RESOLVED').toLowerCase()}.
          </p>
          {walk.resolutionNotes && <blockquote>{walk.resolutionNotes}</blockquote>}
        </>
      )}
      {walk.status === 'ESCALATED' && (
        <>
          <h2>Escalated to engineers</h2>
          <p>Reason: {humanize(walk.escalationReasonCategory)}</p>
          {walk.escalationReason && <blockquote>{walk.escalationReason}</blockquote>}
        </>
      )}
      {walk.status === 'ABANDONED' && (
        <>
          <h2>Abandoned</h2>
          <p>This walk was idle too long and was closed. Its ticket went back to the queue.</p>
        </>
      )}
      <div className="outcome-actions">
        <DraftFromNotes walk={walk} />
        <Link to="/l1" className="btn btn-primary">
          Back to dashboard
        </Link>
        <Link to="/l1/tickets" className="btn btn-secondary">
          View tickets
        </Link>
      </div>
    </section>
  );
}
