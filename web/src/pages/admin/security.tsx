import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Avatar, Card, Dialog, EmptyState, ErrorState, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { RevokeScope } from '../../gql/graphql.ts';
import { signOut } from '../../lib/auth.ts';
import { failureFromError } from '../../lib/errors.ts';
import { pluralize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { isOwner } from '../../lib/roles.ts';
import { PolicyForm } from './session-policy-form.tsx';

const PolicyDoc = graphql(`
  query AdminSecurity_Policy {
    me {
      id
      account {
        id
        sessionPolicy {
          idleSeconds
          absoluteSeconds
          defaultIdleSeconds
          defaultAbsoluteSeconds
          idleOverrideSeconds
          absoluteOverrideSeconds
          idleBounds {
            min
            max
          }
          absoluteBounds {
            min
            max
          }
        }
      }
    }
  }
`);

const SignedInDoc = graphql(`
  query AdminSecurity_SignedIn {
    signedInUsers {
      sessions
      lastActiveAt
      isYou
      user {
        id
        name
        email
      }
    }
  }
`);

const RevokeDoc = graphql(`
  mutation AdminSecurity_Revoke($scope: RevokeScope!) {
    revokeSessions(scope: $scope) {
      revoked
    }
  }
`);

function SignedInList() {
  const [res, refetch] = useQuery({ query: SignedInDoc, requestPolicy: 'cache-and-network' });
  if (res.error && !res.data) return <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!res.data) return <SkeletonRows rows={2} />;
  const rows = res.data.signedInUsers;
  if (rows.length === 0) return <EmptyState title="Nobody is signed in" icon="inbox" />;
  return (
    <ul className="signed-in-list" data-testid="signed-in-users">
      {rows.map((r) => (
        <li key={r.user.id}>
          <Avatar name={r.user.name} seed={r.user.id} size="sm" />
          <span className="who">
            <bdi>{r.user.name}</bdi>
            {r.isYou ? ' (you)' : ''}
            <span className="cell-sub">
              {pluralize(r.sessions, 'session')} · active {relativeTime(r.lastActiveAt)}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

export function SecurityPage() {
  useDocumentTitle('Sessions');
  const me = useMe();
  const toast = useToast();
  const owner = isOwner(me);
  const [res, refetch] = useQuery({ query: PolicyDoc });
  const [signedIn, refetchSignedIn] = useQuery({ query: SignedInDoc, requestPolicy: 'cache-and-network' });
  // "Everyone except me" means nothing while the caller is the only one signed in.
  const othersSignedIn = (signedIn.data?.signedInUsers ?? []).some((u) => !u.isYou);
  const [confirm, setConfirm] = useState<RevokeScope | null>(null);
  const [{ fetching: revoking }, revoke] = useMutation(RevokeDoc);

  const doRevoke = async () => {
    if (!confirm) return;
    const scope = confirm;
    const r = await revoke({ scope });
    setConfirm(null);
    if (!r.data) {
      if (r.error) toast.failure(failureFromError(r.error));
      return;
    }
    toast.success('Sessions revoked', `${pluralize(r.data.revokeSessions.revoked, 'session')} ended.`);
    refetchSignedIn({ requestPolicy: 'network-only' });
    if (scope === 'ALL') void signOut();
  };

  return (
    <div className="page">
      <PageHeader title="Sessions" subtitle="How long sign-ins last, and signing everyone out." />
      <div className="stack-lg">
        <Card title="Session policy">
          {res.error && !res.data ? (
            <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
          ) : !res.data ? (
            <SkeletonRows rows={2} />
          ) : !res.data.me.account.sessionPolicy ? (
            <p className="muted">Only the owner and admins can see the session policy.</p>
          ) : (
            <PolicyForm
              key={JSON.stringify(res.data.me.account.sessionPolicy)}
              policy={res.data.me.account.sessionPolicy}
              editable={owner}
            />
          )}
        </Card>
        <Card title="Signed in now">
          <SignedInList />
        </Card>
        <Card title="Revoke sessions">
          <p className="muted">
            Ends signed-in sessions at once: open tabs are signed out on their next request and live views disconnect.
          </p>
          <div className="form-actions">
            {othersSignedIn && (
              <button type="button" className="btn btn-secondary" disabled={!owner} onClick={() => setConfirm('OTHERS')}>
                Sign out everyone except me
              </button>
            )}
            <button type="button" className="btn btn-danger" disabled={!owner} onClick={() => setConfirm('ALL')}>
              Sign out everyone, including me
            </button>
          </div>
          {!owner && <p className="muted small">Only the owner can revoke sessions.</p>}
        </Card>
      </div>
      <Dialog open={!!confirm} title="Revoke sessions?" onClose={() => setConfirm(null)}>
        <p>
          {confirm === 'ALL'
            ? 'Everyone in the account, you included, will have to sign in again.'
            : 'Everyone but you will have to sign in again.'}
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={() => setConfirm(null)}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" disabled={revoking} onClick={() => void doRevoke()}>
            Revoke
          </button>
        </div>
      </Dialog>
    </div>
  );
}
