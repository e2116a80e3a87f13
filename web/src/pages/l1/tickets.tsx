import { Fragment, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { EmptyState, ErrorState, PageHeader, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { CustomerLine } from '../../components/customer.tsx';
import { graphql } from '../../gql/index.ts';
import type { TicketStatus } from '../../gql/graphql.ts';
import { formatDateTime, humanize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';

const QueueDoc = graphql(`
  query TicketsPage_Queue($status: TicketStatus, $after: String) {
    l1Queue(status: $status, first: 25, after: $after) {
      __typename
      ... on TicketPage {
        nodes {
          id
          customerName
          customerContact
          problemStatement
          status
          createdAt
          updatedAt
          createdBy {
            id
            name
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const DetailDoc = graphql(`
  query TicketsPage_Detail($id: ID!) {
    internalTicket(id: $id) {
      __typename
      ... on InternalTicket {
        latestWalk {
          id
          status
        }
        id
        status
        resolutionNotes
        resolvedAt
        escalatedAt
        escalationReasonCategory
        escalationReason
        assignedEngineer {
          id
          name
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const STATUSES: Array<TicketStatus | null> = [null, 'OPEN', 'WALKING', 'RESOLVED', 'ESCALATED'];

function TicketDetail({ id }: { id: string }) {
  const [res] = useQuery({ query: DetailDoc, variables: { id } });
  if (!res.data) return res.error ? <ErrorState error={res.error} /> : <SkeletonRows rows={1} />;
  const t = res.data.internalTicket;
  if (t.__typename !== 'InternalTicket') return <p className="muted">{t.message}</p>;
  const walk = t.latestWalk;
  return (
    <dl className="details details-inline">
      {walk && (
        <>
          <dt>Walk</dt>
          <dd>
            <Link to={`/l1/walk/${walk.id}`}>
              {walk.status === 'ACTIVE' ? 'Open the walk in progress →' : 'Open the walk and its transcript →'}
            </Link>
          </dd>
        </>
      )}
      {t.status === 'RESOLVED' && (
        <>
          <dt>Resolved</dt>
          <dd>
            {formatDateTime(t.resolvedAt)} — <span className="pre-wrap">{t.resolutionNotes || 'no notes'}</span>
          </dd>
        </>
      )}
      {t.status === 'ESCALATED' && (
        <>
          <dt>Escalated</dt>
          <dd>
            {formatDateTime(t.escalatedAt)} — {humanize(t.escalationReasonCategory)}
            {t.escalationReason ? `: ${t.escalationReason}` : ''}
          </dd>
          <dt>Engineer</dt>
          <dd>{t.assignedEngineer?.name ?? 'Not claimed yet'}</dd>
        </>
      )}
      {!walk && t.status !== 'RESOLVED' && t.status !== 'ESCALATED' && (
        <>
          <dt>Status</dt>
          <dd>{t.status === 'OPEN' ? 'Waiting for a walk.' : 'Being walked.'}</dd>
        </>
      )}
    </dl>
  );
}

function Chunk({
  status,
  after,
  isLast,
  onMore,
  expanded,
  toggle,
}: {
  status: TicketStatus | null;
  after: string | null;
  isLast: boolean;
  onMore: (cursor: string) => void;
  expanded: string | null;
  toggle: (id: string) => void;
}) {
  const [res, refetch] = useQuery({ query: QueueDoc, variables: { status, after } });
  if (!res.data) {
    return (
      <tbody>
        <tr>
          <td colSpan={5}>
            {res.error ? (
              <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
            ) : (
              <SkeletonRows rows={4} />
            )}
          </td>
        </tr>
      </tbody>
    );
  }
  const page = res.data.l1Queue;
  if (page.__typename !== 'TicketPage') {
    return (
      <tbody>
        <tr>
          <td colSpan={5} className="muted">
            {page.message}
          </td>
        </tr>
      </tbody>
    );
  }
  if (page.nodes.length === 0 && !after) {
    return (
      <tbody>
        <tr>
          <td colSpan={5}>
            <EmptyState title="No tickets here" icon="check">
              {status ? `There are no ${humanize(status).toLowerCase()} tickets.` : 'Tickets appear when calls are taken on the desk.'}
            </EmptyState>
          </td>
        </tr>
      </tbody>
    );
  }
  return (
    <tbody>
      {page.nodes.map((t) => (
        <Fragment key={t.id}>
          <tr
            className={`row-clickable ${expanded === t.id ? 'row-expanded' : ''}`}
            onClick={() => toggle(t.id)}
            data-ticket-status={t.status}
          >
            <td>
              <button
                type="button"
                className="row-toggle"
                aria-expanded={expanded === t.id}
                onClick={(e) => (e.stopPropagation(), toggle(t.id))}
              >
                <span className="cell-title">
                  <bdi>{t.problemStatement}</bdi>
                </span>
              </button>
              <span className="cell-sub">
                <CustomerLine name={t.customerName} contact={t.customerContact} />
              </span>
            </td>
            <td>
              <StatusBadge status={t.status} />
            </td>
            <td>{t.createdBy?.name ?? '—'}</td>
            <td title={formatDateTime(t.createdAt)}>{relativeTime(t.createdAt)}</td>
            <td title={formatDateTime(t.updatedAt)}>{relativeTime(t.updatedAt)}</td>
          </tr>
          {expanded === t.id && (
            <tr className="row-detail">
              <td colSpan={5}>
                <TicketDetail id={t.id} />
              </td>
            </tr>
          )}
        </Fragment>
      ))}
      {isLast && page.pageInfo.hasNextPage && page.pageInfo.endCursor && (
        <tr>
          <td colSpan={5} className="load-more">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => onMore(page.pageInfo.endCursor!)}>
              Load more
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}

export function TicketsPage() {
  useDocumentTitle('Tickets');
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = STATUSES.includes(raw as TicketStatus) ? (raw as TicketStatus) : null;
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [expanded, setExpanded] = useState<string | null>(null);
  const choose = (s: TicketStatus | null) => {
    setCursors([null]);
    setExpanded(null);
    setParams(s ? { status: s } : {});
  };
  return (
    <div className="page">
      <PageHeader title="Tickets" subtitle="Internal tickets opened on the desk, newest first." />
      <div className="toolbar">
        <div className="segmented" role="tablist" aria-label="Filter by status">
          {STATUSES.map((s) => (
            <button
              key={s ?? 'all'}
              type="button"
              role="tab"
              aria-selected={status === s}
              className={status === s ? 'active' : ''}
              onClick={() => choose(s)}
            >
              {s ? humanize(s) : 'All'}
            </button>
          ))}
        </div>
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Problem</th>
              <th>Status</th>
              <th>Opened by</th>
              <th>Created</th>
              <th>Updated</th>
            </tr>
          </thead>
          {cursors.map((c, i) => (
            <Chunk
              key={`${status}-${c ?? 'first'}`}
              status={status}
              after={c}
              isLast={i === cursors.length - 1}
              onMore={(cursor) => setCursors((list) => [...list, cursor])}
              expanded={expanded}
              toggle={(id) => setExpanded((e) => (e === id ? null : id))}
            />
          ))}
        </table>
      </div>
    </div>
  );
}
