import { useState } from 'react';
import { useQuery } from 'urql';
import { Badge, EmptyState, ErrorState, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { ACTION_LABELS, ACTIONS, describe } from '../../lib/audit-words.ts';
import { formatDateTime, humanize } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';

const LogDoc = graphql(`
  query AdminAudit_Log($action: String, $actingAs: String, $before: DateTime) {
    auditLog(action: $action, actingAs: $actingAs, before: $before, first: 50) {
      id
      action
      actingAs
      actorKind
      createdAt
      entityType
      entityId
      payload
      actor {
        id
        name
      }
      subject {
        type
        id
        name
      }
      relatedUser {
        id
        name
      }
    }
  }
`);

const SUBJECT_KIND: Record<string, string> = {
  walk_session: 'Call',
  ticket: 'Ticket',
  flow: 'Flow',
  proposal: 'Draft',
  invite: 'Invite',
  api_token: 'API token',
  account: 'Team',
};

function Chunk({
  action,
  actingAs,
  before,
  isLast,
  onOlder,
}: {
  action: string | null;
  actingAs: string | null;
  before: string | null;
  isLast: boolean;
  onOlder: (before: string) => void;
}) {
  const [res, refetch] = useQuery({ query: LogDoc, variables: { action, actingAs, before } });
  if (!res.data) {
    return (
      <tbody>
        <tr>
          <td colSpan={5}>
            {res.error ? (
              <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
            ) : (
              <SkeletonRows rows={5} />
            )}
          </td>
        </tr>
      </tbody>
    );
  }
  const rows = res.data.auditLog;
  if (rows.length === 0 && !before) {
    return (
      <tbody>
        <tr>
          <td colSpan={5}>
            <EmptyState title="No matching entries" icon="list">
              Try another filter.
            </EmptyState>
          </td>
        </tr>
      </tbody>
    );
  }
  const last = rows[rows.length - 1];
  return (
    <tbody>
      {rows.map((e) => (
        <tr key={e.id}>
          <td className="nowrap">{formatDateTime(e.createdAt)}</td>
          <td>
            {e.actor ? (
              <bdi>{e.actor.name}</bdi>
            ) : (
              <span className="muted">{e.actorKind === 'system' ? 'System' : humanize(e.actorKind)}</span>
            )}
          </td>
          <td data-testid="audit-action">
            <span className="audit-what" title={e.action}>
              {ACTION_LABELS[e.action] ?? humanize(e.action)}
            </span>
            {e.subject && (
              <span className="audit-detail">
                {e.subject.type !== 'user' && `${SUBJECT_KIND[e.subject.type] ?? humanize(e.subject.type)}: `}
                <bdi>{e.subject.name}</bdi>
              </span>
            )}
          </td>
          <td>
            {e.actingAs ? (
              <Badge tone="violet">{e.actingAs === 'l1_coverage' ? 'Covering L1' : humanize(e.actingAs)}</Badge>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="cell-payload" title={describe(e)}>
            {describe(e)}
          </td>
        </tr>
      ))}
      {isLast && rows.length === 50 && last && (
        <tr>
          <td colSpan={5} className="load-more">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => onOlder(last.createdAt)}>
              Load older
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}

export function AuditPage() {
  useDocumentTitle('Audit log');
  const [action, setAction] = useState<string | null>(null);
  const [actingAs, setActingAs] = useState<string | null>(null);
  const [pages, setPages] = useState<Array<string | null>>([null]);
  const reset = () => setPages([null]);
  return (
    <div className="page">
      <PageHeader title="Audit log" subtitle="Who did what, newest first. Actions taken while covering the L1 desk are marked." />
      <div className="toolbar">
        <select
          aria-label="Action"
          value={action ?? ''}
          onChange={(e) => {
            setAction(e.target.value || null);
            reset();
          }}
        >
          <option value="">All actions</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {ACTION_LABELS[a]}
            </option>
          ))}
        </select>
        <select
          aria-label="Acting as"
          value={actingAs ?? ''}
          onChange={(e) => {
            setActingAs(e.target.value || null);
            reset();
          }}
        >
          <option value="">Any capacity</option>
          <option value="l1_coverage">L1 coverage only</option>
          <option value="none">Outside coverage</option>
        </select>
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Acting as</th>
              <th>Details</th>
            </tr>
          </thead>
          {pages.map((before, i) => (
            <Chunk
              key={`${action}-${actingAs}-${before ?? 'first'}`}
              action={action}
              actingAs={actingAs}
              before={before}
              isLast={i === pages.length - 1}
              onOlder={(b) => setPages((p) => [...p, b])}
            />
          ))}
        </table>
      </div>
    </div>
  );
}
