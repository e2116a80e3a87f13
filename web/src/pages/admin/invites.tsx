import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { CopyButton, EmptyState, ErrorState, Field, PageHeader, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { AccountRole } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
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
        limit
        available
      }
      l1Tech {
        current
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
      ... on SeatLimitExceeded {
        role
        current
        limit
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
  const [created, setCreated] = useState<{ email: string; url: string } | null>(null);
  const [{ fetching }, create] = useMutation(CreateDoc);
  const [, revoke] = useMutation(RevokeDoc);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create({ email: email.trim(), role });
    const c = unwrap(r.data?.createInvite, r.error, 'CreatedInvite', toast.failure);
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
              <Field label="Email" htmlFor="invite-email">
                <input id="invite-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} placeholder="name@company.com" />
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
            {created && (
              <div className="secret-box" data-testid="invite-link">
                <div>
                  <strong>Invite link for {created.email}</strong>
                  <p className="muted small">Send this link to them now. It is shown only once and works for one sign-up.</p>
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
                        <span className="cell-title">{i.email}</span>
                        {i.invitedBy && <span className="cell-sub">by {i.invitedBy.name}</span>}
                      </td>
                      <td>{ROLE_LABELS[i.role]}</td>
                      <td>
                        <StatusBadge status={i.status} />
                      </td>
                      <td>{relativeTime(i.createdAt)}</td>
                      <td>{i.status === 'PENDING' ? formatDate(i.expiresAt) : '—'}</td>
                      <td className="row-actions">
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
    </div>
  );
}
