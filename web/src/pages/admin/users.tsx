import { useState } from 'react';
import { type OperationResult, useMutation, useQuery } from 'urql';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Avatar, Badge, ErrorState, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { AccountRole, AdminUsers_SetCoverageMutation } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
import { relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { isOwner, ROLE_LABELS } from '../../lib/roles.ts';
import { SeatWidget } from './seats.tsx';

const DataDoc = graphql(`
  query AdminUsers_Data {
    users(includeInactive: true) {
      id
      name
      email
      role
      canCoverL1
      isActive
      lastLoginAt
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

const ChangeRoleDoc = graphql(`
  mutation AdminUsers_ChangeRole($userId: ID!, $role: AccountRole!) {
    changeUserRole(userId: $userId, role: $role) {
      __typename
      ... on User {
        id
        role
        canCoverL1
      }
      ... on Error {
        code
        message
      }
      ... on SeatLimitExceeded {
        upgradeUrl
      }
      ... on ConflictError {
        reason
      }
    }
  }
`);

const CoverageDoc = graphql(`
  mutation AdminUsers_SetCoverage($userId: ID!, $canCoverL1: Boolean!) {
    setUserCoverage(userId: $userId, canCoverL1: $canCoverL1) {
      __typename
      ... on User {
        id
        canCoverL1
      }
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

const DeactivateDoc = graphql(`
  mutation AdminUsers_Deactivate($userId: ID!) {
    deactivateUser(userId: $userId) {
      __typename
      ... on User {
        id
        isActive
      }
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

const ReactivateDoc = graphql(`
  mutation AdminUsers_Reactivate($userId: ID!) {
    reactivateUser(userId: $userId) {
      __typename
      ... on User {
        id
        isActive
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

const ROLES: AccountRole[] = ['OWNER', 'ADMIN', 'ENGINEER', 'L1_TECH', 'VIEWER'];

/** "an Engineer", "an L1 tech", "a Viewer". */
function roleWithArticle(role: AccountRole): string {
  const label = ROLE_LABELS[role];
  return `${/^[AEIOU]|^L1/i.test(label) ? 'an' : 'a'} ${label}`;
}

/** Shows the new value at once while the change is saved; the server's answer wins. */
function CoverageToggle({
  user,
  editable,
  onChange,
}: {
  user: { name: string; canCoverL1: boolean };
  editable: boolean;
  onChange: (v: boolean) => Promise<OperationResult<AdminUsers_SetCoverageMutation>>;
}) {
  const toast = useToast();
  const [pending, setPending] = useState<boolean | null>(null);
  const value = pending ?? user.canCoverL1;
  return (
    <label className="switch" title={editable ? undefined : 'Only the owner can change coverage'}>
      <input
        type="checkbox"
        checked={value}
        disabled={!editable || pending !== null}
        aria-label={`${user.name} covers the L1 desk`}
        onChange={async (e) => {
          setPending(e.target.checked);
          try {
            const r = await onChange(e.target.checked);
            unwrap(r.data?.setUserCoverage, r.error, 'User', toast.failure);
          } finally {
            setPending(null);
          }
        }}
      />
      <span>{value ? 'Yes' : 'No'}</span>
    </label>
  );
}

export function UsersPage() {
  useDocumentTitle('Users & seats');
  const me = useMe();
  const toast = useToast();
  const [res, refetch] = useQuery({ query: DataDoc });
  const [changing, changeRole] = useMutation(ChangeRoleDoc);
  const [, setCoverage] = useMutation(CoverageDoc);
  const [, deactivate] = useMutation(DeactivateDoc);
  const [, reactivate] = useMutation(ReactivateDoc);
  const owner = isOwner(me);

  return (
    <div className="page">
      <PageHeader title="Users & seats" subtitle="Members of the account, their roles and who may cover the L1 desk." />
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <SkeletonRows rows={5} />
      ) : (
        <div className="stack-lg">
          <SeatWidget engineer={res.data.seatUsage.engineer} l1Tech={res.data.seatUsage.l1Tech} />
          <div className="table-wrap">
            <table className="table table-stack">
              <thead>
                <tr>
                  <th>Member</th>
                  <th>Role</th>
                  <th>Covers L1</th>
                  <th>Last sign-in</th>
                  <th>Status</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {res.data.users.map((u) => (
                  <tr key={u.id} className={u.isActive ? '' : 'row-muted'}>
                    <td data-label="Member">
                      <span className="inline-person">
                        <Avatar name={u.name} seed={u.id} size="sm" />
                        <span>
                          <span className="cell-title">
                            <bdi>{u.name}</bdi>
                            {u.id === me.id ? ' (you)' : ''}
                          </span>
                          <span className="cell-sub">
                            <bdi>{u.email}</bdi>
                          </span>
                        </span>
                      </span>
                    </td>
                    <td data-label="Role">
                      <select
                        aria-label={`Role of ${u.name}`}
                        value={u.role}
                        disabled={changing.fetching || !u.isActive}
                        onChange={async (e) => {
                          // Read before the await: the controlled select shows the old role again
                          // until the answer arrives, so e.target.value would name the old role.
                          const role = e.target.value as AccountRole;
                          const from = u.role;
                          const r = await changeRole({ userId: u.id, role });
                          if (unwrap(r.data?.changeUserRole, r.error, 'User', toast.failure)) {
                            toast.success(`${u.name} is now ${roleWithArticle(role)}`, `Was ${roleWithArticle(from)}.`);
                          }
                        }}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td data-label="Covers L1">
                      {u.role === 'ENGINEER' ? (
                        <CoverageToggle
                          user={u}
                          editable={owner && u.isActive === true}
                          onChange={(canCoverL1) => setCoverage({ userId: u.id, canCoverL1 })}
                        />
                      ) : (
                        <span
                          className="muted"
                          title={
                            u.role === 'OWNER' || u.role === 'ADMIN'
                              ? 'Owners and admins work the L1 desk as themselves; their calls are not marked as coverage.'
                              : undefined
                          }
                        >
                          {u.role === 'OWNER' || u.role === 'ADMIN' ? 'Not needed' : '—'}
                        </span>
                      )}
                    </td>
                    <td data-label="Last sign-in">{u.lastLoginAt ? relativeTime(u.lastLoginAt) : <span className="muted">Never</span>}</td>
                    <td data-label="Status">{u.isActive ? <Badge tone="green">Active</Badge> : <Badge tone="gray">Deactivated</Badge>}</td>
                    <td className="row-actions">
                      {u.id !== me.id &&
                        (u.isActive ? (
                          <button
                            type="button"
                            className="btn btn-ghost btn-sm"
                            onClick={async () => {
                              if (!window.confirm(`Deactivate ${u.name}? They are signed out everywhere and their seat is freed.`)) return;
                              const r = await deactivate({ userId: u.id });
                              if (unwrap(r.data?.deactivateUser, r.error, 'User', toast.failure)) toast.success(`${u.name} deactivated`);
                            }}
                          >
                            Deactivate
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="btn btn-secondary btn-sm"
                            onClick={async () => {
                              const r = await reactivate({ userId: u.id });
                              if (unwrap(r.data?.reactivateUser, r.error, 'User', toast.failure))
                                toast.success(`${u.name} can sign in again`);
                            }}
                          >
                            Reactivate
                          </button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
