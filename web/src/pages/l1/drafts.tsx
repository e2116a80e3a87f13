import { useNavigate } from 'react-router-dom';
import { useQuery } from 'urql';
import { Badge, EmptyState, ErrorState, PageHeader, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { humanize, pluralize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import './drafts.css';

const DraftsDoc = graphql(`
  query DraftsPage_Drafts {
    myDrafts {
      id
      title
      source
      status
      validatedByOutcome
      createdAt
      reviewNote
      nodes {
        id
      }
      issues {
        path
        message
      }
      ticket {
        id
        customerName
        problemStatement
      }
    }
  }
`);

export function DraftsPage() {
  useDocumentTitle('My drafts');
  const [res, refetch] = useQuery({ query: DraftsDoc });
  const navigate = useNavigate();
  const drafts = res.data?.myDrafts ?? [];
  return (
    <div className="page">
      <PageHeader
        title="My drafts"
        subtitle="Draft trees linked to tickets you opened. Walk a complete draft on a new call to validate it."
      />
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <SkeletonRows rows={3} />
      ) : drafts.length === 0 ? (
        <EmptyState title="No drafts yet" icon="note">
          When notes from one of your calls become a draft tree, it appears here for you to try on the next similar call.
        </EmptyState>
      ) : (
        <div className="card-list">
          {drafts.map((d) => {
            const walkable = d.status === 'DRAFT' && d.issues.length === 0;
            return (
              <article key={d.id} className="card draft">
                <div className="draft-main">
                  <div className="draft-title-row">
                    <h2 className="draft-title">{d.title}</h2>
                    <StatusBadge status={d.status} />
                    {d.validatedByOutcome && <Badge tone="green">Validated by a walk</Badge>}
                  </div>
                  <p className="muted">
                    {humanize(d.source)} · {pluralize(d.nodes.length, 'node')} · {relativeTime(d.createdAt)}
                    {d.ticket ? ` · from “${d.ticket.problemStatement}”${d.ticket.customerName ? ` (${d.ticket.customerName})` : ''}` : ''}
                  </p>
                  {d.issues.length > 0 && (
                    <p className="field-error">
                      Not walkable yet: {d.issues[0]!.message}
                      {d.issues.length > 1 ? ` (+${d.issues.length - 1} more)` : ''}
                    </p>
                  )}
                  {d.reviewNote && <p className="muted">Review note: {d.reviewNote}</p>}
                </div>
                <div>
                  <button
                    type="button"
                    className="btn btn-secondary btn-sm"
                    disabled={!walkable}
                    onClick={() => navigate('/l1', { state: { proposal: { id: d.id, title: d.title } } })}
                  >
                    Walk on a new call
                  </button>
                </div>
              </article>
            );
          })}
        </div>
      )}
    </div>
  );
}
