import { useState } from 'react';
import { useQuery } from 'urql';
import { Badge, EmptyState, ErrorState, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { formatDateTime, formatDuration, humanize, pluralize } from '../../lib/format.ts';
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

/** Every action the API records, in the words of someone reading the log. */
export const ACTION_LABELS: Record<string, string> = {
  'l1.session.start': 'Started a call',
  'l1.session.resolve': 'Resolved a call',
  'l1.session.escalate': 'Escalated a call',
  'l1.session.escalate_no_walk': 'Escalated without a walk',
  'l1.session.takeover': 'Took over a call',
  'l1.session.abandon': 'Call abandoned (idle)',
  'ticket.claim': 'Claimed an escalation',
  'flow.create': 'Created a flow',
  'flow.publish': 'Published a flow',
  'flow.archive': 'Archived a flow',
  'proposal.create': 'Created a draft',
  'proposal.create_from_walk': 'Turned call notes into a draft',
  'proposal.approve': 'Approved a draft',
  'proposal.reject': 'Rejected a draft',
  'invite.create': 'Invited someone',
  'invite.resend': 'Sent a new invite link',
  'invite.accept': 'Joined through an invite',
  'invite.revoke': 'Revoked an invite',
  'user.role_change': 'Changed role',
  'user.coverage_change': 'Changed L1 coverage',
  'user.deactivate': 'Deactivated a member',
  'user.reactivate': 'Reactivated a member',
  'account.session_policy': 'Changed the session policy',
  'account.seat_limits': 'Changed seat limits',
  'auth.sessions.revoke': 'Signed people out',
  'api_token.create': 'Created an API token',
  'api_token.revoke': 'Revoked an API token',
};
const ACTIONS = Object.keys(ACTION_LABELS);

const ROLE_NAMES: Record<string, string> = { owner: 'Owner', admin: 'Admin', engineer: 'Engineer', l1_tech: 'L1 tech', viewer: 'Viewer' };
const roleName = (r: unknown) => (typeof r === 'string' ? (ROLE_NAMES[r] ?? humanize(r)) : '');
const secs = (v: unknown, fallback = 'the default') => (typeof v === 'number' ? formatDuration(v) : fallback);

type Entry = {
  action: string;
  payload: unknown;
  subject?: { type: string; name: string } | null;
  relatedUser?: { name: string } | null;
};

/** The details of an entry as a sentence: what changed, from what to what. */
export function describe(e: Entry): string {
  const p = (e.payload && typeof e.payload === 'object' ? e.payload : {}) as Record<string, any>;
  switch (e.action) {
    case 'user.role_change':
      return `${roleName(p.from)} → ${roleName(p.to)}`;
    case 'user.coverage_change':
      return p.canCoverL1 ? 'May now cover the L1 desk' : 'No longer covers the L1 desk';
    case 'invite.create':
    case 'invite.resend':
      return p.role ? `As ${roleName(p.role)}${e.action === 'invite.resend' ? '; the old link stopped working' : ''}` : '';
    case 'invite.accept':
      return p.role ? `As ${roleName(p.role)}` : '';
    case 'l1.session.takeover':
      return e.relatedUser ? `From ${e.relatedUser.name}` : '';
    case 'l1.session.resolve':
      return p.helpful === true ? 'Marked helpful' : p.helpful === false ? 'Marked not helpful' : '';
    case 'l1.session.escalate':
    case 'l1.session.escalate_no_walk':
      return p.reasonCategory ? `Reason: ${humanize(String(p.reasonCategory))}` : '';
    case 'account.session_policy': {
      const was = p.effectiveBefore ?? {};
      const now = p.effective ?? {};
      return `Idle timeout ${secs(was.idleSeconds)} → ${secs(now.idleSeconds)}; maximum session ${secs(was.absoluteSeconds)} → ${secs(now.absoluteSeconds)}`;
    }
    case 'account.seat_limits':
      return `Engineers: ${p.engineerSeatLimit ?? 'unlimited'}; L1 techs: ${p.l1SeatLimit ?? 'unlimited'}`;
    case 'auth.sessions.revoke': {
      const n = p.revoked_count ?? p.count;
      return `${typeof n === 'number' ? pluralize(n, 'session') : 'Sessions'} ended (${p.scope === 'others' ? 'everyone else' : 'everyone, themselves included'})`;
    }
    default:
      return payloadText(e.payload);
  }
}

function payloadText(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return '';
  return Object.entries(payload as Record<string, unknown>)
    .map(([k, v]) => `${humanize(k)}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

const SUBJECT_KIND: Record<string, string> = {
  walk_session: 'Call',
  ticket: 'Ticket',
  flow: 'Flow',
  proposal: 'Draft',
  invite: 'Invite',
  api_token: 'API token',
  account: 'Team',
};

function Chunk({ action, actingAs, before, isLast, onOlder }: { action: string | null; actingAs: string | null; before: string | null; isLast: boolean; onOlder: (before: string) => void }) {
  const [res, refetch] = useQuery({ query: LogDoc, variables: { action, actingAs, before } });
  if (!res.data) {
    return (
      <tbody>
        <tr>
          <td colSpan={5}>{res.error ? <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /> : <SkeletonRows rows={5} />}</td>
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
          <td>{e.actor ? <bdi>{e.actor.name}</bdi> : <span className="muted">{e.actorKind === 'system' ? 'System' : humanize(e.actorKind)}</span>}</td>
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
          <td>{e.actingAs ? <Badge tone="violet">{e.actingAs === 'l1_coverage' ? 'Covering L1' : humanize(e.actingAs)}</Badge> : <span className="muted">—</span>}</td>
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
