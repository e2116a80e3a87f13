// Pure wording of the audit log (unit-tested in tests/web).
import { formatDuration, humanize, pluralize } from './format.ts';

/** Every action the API records, in the words of someone reading the log. */
export const ACTION_LABELS: Record<string, string> = {
  'l1.session.start': 'Started a call',
  'l1.session.resolve': 'Resolved a call',
  'l1.session.escalate': 'Escalated a call',
  'l1.session.escalate_no_walk': 'Escalated without a walk',
  'l1.session.takeover': 'Took over a call',
  'l1.session.release': 'Handed a call off to the desk',
  'l1.session.handback_request': 'Asked for a call back',
  'l1.session.handback': 'Handed a call back',
  'l1.session.abandon': 'Call abandoned (idle)',
  'ticket.claim': 'Claimed an escalation',
  'ticket.resolve': 'Resolved an escalation',
  'ticket.release': 'Released an escalation',
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
  'account.create': 'Created the team',
  'account.session_policy': 'Changed the session policy',
  'account.seat_limits': 'Changed seat limits',
  'account.l1_categories': 'Changed what the L1 desk takes',
  'auth.sessions.revoke': 'Signed people out',
  'api_token.create': 'Created an API token',
  'api_token.revoke': 'Revoked an API token',
};
export const ACTIONS = Object.keys(ACTION_LABELS);

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
  // Audit payloads are free-form JSON written by the API; each case reads the keys its action writes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
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
    case 'account.l1_categories': {
      const list = (v: unknown) => (Array.isArray(v) && v.length ? v.map((k) => humanize(String(k))).join(', ') : 'none');
      return `Enabled: ${list(p.to)} (was: ${list(p.from)})`;
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

export function payloadText(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return '';
  return Object.entries(payload as Record<string, unknown>)
    .map(([k, v]) => `${humanize(k)}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}
