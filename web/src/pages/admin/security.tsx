import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Card, Dialog, ErrorState, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { AdminSecurity_PolicyQuery, RevokeScope } from '../../gql/graphql.ts';
import { signOut } from '../../lib/auth.ts';
import { failureFromError, unwrap } from '../../lib/errors.ts';
import { formatDuration, pluralize } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { isOwner } from '../../lib/roles.ts';

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
        }
      }
    }
  }
`);

const UpdateDoc = graphql(`
  mutation AdminSecurity_Update($idleSeconds: Int, $absoluteSeconds: Int) {
    updateSessionPolicy(idleSeconds: $idleSeconds, absoluteSeconds: $absoluteSeconds) {
      __typename
      ... on Account {
        id
        sessionPolicy {
          idleSeconds
          absoluteSeconds
          defaultIdleSeconds
          defaultAbsoluteSeconds
          idleOverrideSeconds
          absoluteOverrideSeconds
        }
      }
      ... on Error {
        code
        message
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

type Policy = NonNullable<AdminSecurity_PolicyQuery['me']['account']['sessionPolicy']>;
type Unit = 'minutes' | 'hours' | 'days';
const UNIT_SECONDS: Record<Unit, number> = { minutes: 60, hours: 3600, days: 86_400 };

function split(seconds: number): { n: string; unit: Unit } {
  if (seconds % 86_400 === 0) return { n: String(seconds / 86_400), unit: 'days' };
  if (seconds % 3600 === 0) return { n: String(seconds / 3600), unit: 'hours' };
  return { n: String(Math.round(seconds / 60)), unit: 'minutes' };
}

interface DurationValue {
  useDefault: boolean;
  n: string;
  unit: Unit;
}

function DurationInput({ id, label, value, onChange, defaultSeconds, bounds, disabled }: { id: string; label: string; value: DurationValue; onChange: (v: DurationValue) => void; defaultSeconds: number; bounds: string; disabled: boolean }) {
  return (
    <fieldset className="field duration" disabled={disabled}>
      <legend>{label}</legend>
      <label className="switch">
        <input type="checkbox" checked={value.useDefault} onChange={(e) => onChange({ ...value, useDefault: e.target.checked })} />
        <span>Use the default ({formatDuration(defaultSeconds)})</span>
      </label>
      {!value.useDefault && (
        <div className="duration-row">
          <input id={id} type="number" min={1} aria-label={`${label} amount`} value={value.n} onChange={(e) => onChange({ ...value, n: e.target.value })} />
          <select aria-label={`${label} unit`} value={value.unit} onChange={(e) => onChange({ ...value, unit: e.target.value as Unit })}>
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
            <option value="days">days</option>
          </select>
        </div>
      )}
      <div className="field-hint">{bounds}</div>
    </fieldset>
  );
}

function PolicyForm({ policy, editable }: { policy: Policy; editable: boolean }) {
  const toast = useToast();
  const [idle, setIdle] = useState<DurationValue>({ useDefault: policy.idleOverrideSeconds == null, ...split(policy.idleSeconds) });
  const [absolute, setAbsolute] = useState<DurationValue>({ useDefault: policy.absoluteOverrideSeconds == null, ...split(policy.absoluteSeconds) });
  const [{ fetching }, update] = useMutation(UpdateDoc);
  const seconds = (v: DurationValue) => (v.useDefault ? null : Math.round(Number(v.n) * UNIT_SECONDS[v.unit]));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await update({ idleSeconds: seconds(idle), absoluteSeconds: seconds(absolute) });
    if (unwrap(r.data?.updateSessionPolicy, r.error, 'Account', toast.failure)) toast.success('Session policy saved', 'It applies from the next sign-in.');
  };
  return (
    <form className="stack" onSubmit={submit}>
      <p className="muted">
        In effect: signed-in sessions end after <strong>{formatDuration(policy.idleSeconds)}</strong> without activity, and after{' '}
        <strong>{formatDuration(policy.absoluteSeconds)}</strong> at most. Changes apply from the next sign-in.
      </p>
      <div className="grid-2">
        <DurationInput id="idle" label="Idle timeout" value={idle} onChange={setIdle} defaultSeconds={policy.defaultIdleSeconds} bounds="Between 15 minutes and 30 days." disabled={!editable} />
        <DurationInput
          id="absolute"
          label="Absolute lifetime"
          value={absolute}
          onChange={setAbsolute}
          defaultSeconds={policy.defaultAbsoluteSeconds}
          bounds="Between 1 hour and 90 days, and not shorter than the idle timeout."
          disabled={!editable}
        />
      </div>
      {editable ? (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={fetching}>
            Save policy
          </button>
        </div>
      ) : (
        <p className="muted small">Only the owner can change the session policy.</p>
      )}
    </form>
  );
}

export function SecurityPage() {
  useDocumentTitle('Sessions');
  const me = useMe();
  const toast = useToast();
  const owner = isOwner(me);
  const [res, refetch] = useQuery({ query: PolicyDoc });
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
            <PolicyForm key={JSON.stringify(res.data.me.account.sessionPolicy)} policy={res.data.me.account.sessionPolicy} editable={owner} />
          )}
        </Card>
        <Card title="Revoke sessions">
          <p className="muted">Ends signed-in sessions at once: open tabs are signed out on their next request and live views disconnect.</p>
          <div className="form-actions">
            <button type="button" className="btn btn-secondary" disabled={!owner} onClick={() => setConfirm('OTHERS')}>
              Sign out everyone else
            </button>
            <button type="button" className="btn btn-danger" disabled={!owner} onClick={() => setConfirm('ALL')}>
              Sign out everyone, including me
            </button>
          </div>
          {!owner && <p className="muted small">Only the owner can revoke sessions.</p>}
        </Card>
      </div>
      <Dialog open={!!confirm} title="Revoke sessions?" onClose={() => setConfirm(null)}>
        <p>{confirm === 'ALL' ? 'Everyone in the account, you included, will have to sign in again.' : 'Everyone but you will have to sign in again.'}</p>
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
