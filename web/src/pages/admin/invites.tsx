import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { CopyButton, Dialog, EmptyState, ErrorState, Field, PageHeader, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { AccountRole } from '../../gql/graphql.ts';
import { fieldErrors, unwrap } from '../../lib/errors.ts';
import { formatDate, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { ROLE_LABELS } from '../../lib/roles.ts';
import { SeatWidget } from './seats.tsx';

const DataDoc = graphql(`
  query AdminInvites_Data {
    invites {
      id
      email
      role
      status
      createdAt
      expiresAt
      invitedBy {
        id
        name
      }
    }
    seatUsage {
      engineer {
        current
        pending
        limit
        available
      }
      l1Tech {
        current
        pending
        limit
        available
      }
    }
  }
`);

const CreateDoc = graphql(`
  mutation AdminInvites_Create($email: String!, $role: AccountRole!) {
    createInvite(email: $email, role: $role) {
      __typename
      ... on CreatedInvite {
        acceptUrl
        invite {
          id
          email
          role
          status
          createdAt
          expiresAt
        }
      }
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on SeatLimitExceeded {
        role
        current
        limit
        upgradeUrl
      }
    }
  }
`);

const ResendDoc = graphql(`
  mutation AdminInvites_Resend($inviteId: ID!) {
    resendInvite(inviteId: $inviteId) {
      __typename
      ... on CreatedInvite {
        acceptUrl
        invite {
          id
          email
          status
          expiresAt
        }
      }
      ... on Error {
        code
        message
      }
      ... on SeatLimitExceeded {
        upgradeUrl
      }
    }
  }
`);

const RevokeDoc = graphql(`
  mutation AdminInvites_Revoke($inviteId: ID!) {
    revokeInvite(inviteId: $inviteId) {
      __typename
      ... on Invite {
        id
        status
        revokedAt
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const INVITABLE: AccountRole[] = ['L1_TECH', 'ENGINEER', 'ADMIN', 'VIEWER'];

export function InvitesPage() {
  useDocumentTitle('Invites');
  const toast = useToast();
  const [res, refetch] = useQuery({ query: DataDoc });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AccountRole>('L1_TECH');
  const [created, setCreated] = useState<{ email: string; url: string; resent?: boolean } | null>(null);
  const [{ fetching }, create] = useMutation(CreateDoc);
  const [, revoke] = useMutation(RevokeDoc);
  const [{ fetching: resending }, resendInvite] = useMutation(ResendDoc);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirmResend, setConfirmResend] = useState<{ id: string; email: string } | null>(null);

  const resend = async (invite: { id: string; email: string }) => {
    const r = await resendInvite({ inviteId: invite.id });
    setConfirmResend(null);
    const c = unwrap(r.data?.resendInvite, r.error, 'CreatedInvite', toast.failure);
    if (!c) return;
    setErrors({});
    setCreated({ email: c.invite.email, url: c.acceptUrl, resent: true });
    toast.success(`New invite link for ${c.invite.email}`, 'The previous link no longer works.');
  };
  // A second invite to an address with a pending one is refused; offer that invite's resend.
  const pendingFor = (address: string) =>
    res.data?.invites.find((i) => i.status === 'PENDING' && i.email.toLowerCase() === address.trim().toLowerCase()) ?? null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create({ email: email.trim(), role });
    const result = r.data?.createInvite;
    setErrors(result?.__typename === 'ValidationError' ? fieldErrors(result.issues) : {});
    const c = unwrap(result, r.error, 'CreatedInvite', toast.failure);
    // A refusal means the seat counts moved since this page loaded: show the current ones.
    if (r.data?.createInvite.__typename === 'SeatLimitExceeded') refetch({ requestPolicy: 'network-only' });
    if (!c) return;
    setCreated({ email: c.invite.email, url: c.acceptUrl });
    setEmail('');
  };

  return (
    <div className="page">
      <PageHeader title="Invites" subtitle="Invite teammates by email. Engineer and L1 invites need a free seat." />
      <div className="admin-grid">
        <div className="stack-lg">
          <section className="card">
            <div className="card-header">
              <h2 className="card-title">Invite someone</h2>
            </div>
            <form className="inline-form" onSubmit={submit}>
              <Field label="Email" htmlFor="invite-email" error={errors.email}>
                <input
                  id="invite-email"
                  type="email"
                  required
                  value={email}
                  aria-invalid={errors.email ? true : undefined}
                  onChange={(e) => {
                    setEmail(e.target.value);
                    if (errors.email) setErrors({});
                  }}
                  placeholder="name@company.com"
                />
              </Field>
              <Field label="Role" htmlFor="invite-role">
                <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as AccountRole)}>
                  {INVITABLE.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABELS[r]}
                    </option>
                  ))}
                </select>
              </Field>
              <button type="submit" className="btn btn-primary" disabled={fetching}>
                {fetching ? 'Inviting…' : 'Create invite'}
              </button>
            </form>
            {errors.email && pendingFor(email) && (
              <div className="invite-conflict">
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => setConfirmResend(pendingFor(email))}>
                  Resend the invite…
                </button>
              </div>
            )}
            {created && (
              <div className="secret-box" data-testid="invite-link">
                <div>
                  <strong>
                    {created.resent ? 'New invite link for ' : 'Invite link for '}
                    <bdi>{created.email}</bdi>
                  </strong>
                  <p className="muted small">
                    {created.resent ? 'The previous link no longer works. ' : ''}Send this link to them now. It is shown only once and works
                    for one sign-up.
                  </p>
                </div>
                <div className="secret-row">
                  <input readOnly value={created.url} aria-label="Invite link" onFocus={(e) => e.target.select()} />
                  <CopyButton text={created.url} />
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => setCreated(null)}>
                    Done
                  </button>
                </div>
              </div>
            )}
          </section>
          <section className="card">
            <div className="card-header">
              <h2 className="card-title">Invites</h2>
            </div>
            {res.error && !res.data ? (
              <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
            ) : !res.data ? (
              <SkeletonRows rows={3} />
            ) : res.data.invites.length === 0 ? (
              <EmptyState title="No invites yet" icon="mail">
                Invites you create appear here with their status.
              </EmptyState>
            ) : (
              <table className="table table-flush">
                <thead>
                  <tr>
                    <th>Email</th>
                    <th>Role</th>
                    <th>Status</th>
                    <th>Sent</th>
                    <th>Expires</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {res.data.invites.map((i) => (
                    <tr key={i.id}>
                      <td>
                        <span className="cell-title">
                          <bdi>{i.email}</bdi>
                        </span>
                        {i.invitedBy && (
                          <span className="cell-sub">
                            by <bdi>{i.invitedBy.name}</bdi>
                          </span>
                        )}
                      </td>
                      <td>{ROLE_LABELS[i.role]}</td>
                      <td>
                        <StatusBadge status={i.status} />
                      </td>
                      <td>{relativeTime(i.createdAt)}</td>
                      <td>{i.status === 'PENDING' ? formatDate(i.expiresAt) : '—'}</td>
                      <td className="row-actions">
                        {(i.status === 'PENDING' || i.status === 'EXPIRED') && (
                          <button
                            type="button"
                            className="btn btn-ghost btn-sm"
                            onClick={() => setConfirmResend({ id: i.id, email: i.email })}
                          >
                            Resend
                          </button>
                        )}
                        {i.status === 'PENDING' && (
                          <button
                            type="button"
                            className="btn btn-ghost btn-sm"
                            onClick={async () => {
                              const r = await revoke({ inviteId: i.id });
                              if (unwrap(r.data?.revokeInvite, r.error, 'Invite', toast.failure)) toast.success('Invite revoked');
                            }}
                          >
                            Revoke
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
        <div>{res.data && <SeatWidget engineer={res.data.seatUsage.engineer} l1Tech={res.data.seatUsage.l1Tech} />}</div>
      </div>
      <Dialog open={!!confirmResend} title="Send them a new link?" onClose={() => setConfirmResend(null)}>
        <p>
          <bdi>{confirmResend?.email}</bdi> gets a new link, valid for 7 days. <strong>The link you sent before stops working.</strong>
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={() => setConfirmResend(null)}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={resending}
            onClick={() => confirmResend && void resend(confirmResend)}
          >
            Send new link
          </button>
        </div>
      </Dialog>
    </div>
  );
}
