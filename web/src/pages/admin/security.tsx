import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Avatar, Card, Dialog, EmptyState, ErrorState, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { AdminSecurity_PolicyQuery, RevokeScope } from '../../gql/graphql.ts';
import { signOut } from '../../lib/auth.ts';
import { failureFromError, fieldErrors, unwrap } from '../../lib/errors.ts';
import { formatDuration, pluralize, relativeTime } from '../../lib/format.ts';
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

function DurationInput({
  id,
  label,
  value,
  onChange,
  defaultSeconds,
  bounds,
  disabled,
  error,
}: {
  id: string;
  label: string;
  value: DurationValue;
  onChange: (v: DurationValue) => void;
  defaultSeconds: number;
  bounds: string;
  disabled: boolean;
  error?: string;
}) {
  return (
    <fieldset
      className={`field duration ${error ? 'field-invalid' : ''}`}
      disabled={disabled}
      aria-invalid={error ? true : undefined}
      data-field={id}
    >
      <legend>{label}</legend>
      <label className="switch">
        <input type="checkbox" checked={value.useDefault} onChange={(e) => onChange({ ...value, useDefault: e.target.checked })} />
        <span>Use the default ({formatDuration(defaultSeconds)})</span>
      </label>
      {!value.useDefault && (
        <div className="duration-row">
          <input
            id={id}
            type="number"
            min={1}
            aria-label={`${label} amount`}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            value={value.n}
            onChange={(e) => onChange({ ...value, n: e.target.value })}
          />
          <select aria-label={`${label} unit`} value={value.unit} onChange={(e) => onChange({ ...value, unit: e.target.value as Unit })}>
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
            <option value="days">days</option>
          </select>
        </div>
      )}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : (
        <div className="field-hint">{bounds}</div>
      )}
    </fieldset>
  );
}

/*
 * Presets, inside the bounds (idle 15 min–30 days, absolute 1 h–90 days):
 * - Strict: signed out after 15 minutes away and after one 8-hour shift at most — shared desks.
 * - Standard: the product defaults (3 days idle, 14 days at most), stored as "no override".
 * - Custom: any values within the bounds.
 */
export const STRICT = { idleSeconds: 15 * 60, absoluteSeconds: 8 * 3600 };
type Preset = 'strict' | 'standard' | 'custom';

function presetOf(p: Policy): Preset {
  if (p.idleOverrideSeconds === STRICT.idleSeconds && p.absoluteOverrideSeconds === STRICT.absoluteSeconds) return 'strict';
  if (p.idleSeconds === p.defaultIdleSeconds && p.absoluteSeconds === p.defaultAbsoluteSeconds) return 'standard';
  return 'custom';
}

function PolicyForm({ policy, editable }: { policy: Policy; editable: boolean }) {
  const toast = useToast();
  const [preset, setPreset] = useState<Preset>(presetOf(policy));
  const [idle, setIdle] = useState<DurationValue>({ useDefault: policy.idleOverrideSeconds == null, ...split(policy.idleSeconds) });
  const [absolute, setAbsolute] = useState<DurationValue>({
    useDefault: policy.absoluteOverrideSeconds == null,
    ...split(policy.absoluteSeconds),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [{ fetching }, update] = useMutation(UpdateDoc);
  const seconds = (v: DurationValue) => (v.useDefault ? null : Math.round(Number(v.n) * UNIT_SECONDS[v.unit]));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const vars =
      preset === 'strict'
        ? STRICT
        : preset === 'standard'
          ? { idleSeconds: null, absoluteSeconds: null }
          : { idleSeconds: seconds(idle), absoluteSeconds: seconds(absolute) };
    setErrors({});
    const r = await update(vars);
    const result = r.data?.updateSessionPolicy;
    if (unwrap(result, r.error, 'Account', toast.failure)) {
      toast.success('Session policy saved', 'It applies from the next sign-in.');
      return;
    }
    if (result?.__typename === 'ValidationError') setErrors(fieldErrors(result.issues));
  };
  const range = (b: { min: number; max: number }) => `Between ${formatDuration(b.min)} and ${formatDuration(b.max)}`;
  const choices: Array<{ key: Preset; name: string; desc: string }> = [
    {
      key: 'strict',
      name: 'Strict',
      desc: `Signed out after ${formatDuration(STRICT.idleSeconds)} away, and after ${formatDuration(STRICT.absoluteSeconds)} at most. For shared desks.`,
    },
    {
      key: 'standard',
      name: 'Standard',
      desc: `Signed out after ${formatDuration(policy.defaultIdleSeconds)} away, and after ${formatDuration(policy.defaultAbsoluteSeconds)} at most. The default.`,
    },
    { key: 'custom', name: 'Custom', desc: 'Choose both limits yourself.' },
  ];
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <p className="muted">
        In effect: signed-in sessions end after <strong>{formatDuration(policy.idleSeconds)}</strong> without activity, and after{' '}
        <strong>{formatDuration(policy.absoluteSeconds)}</strong> at most. Changes apply from the next sign-in.
      </p>
      <fieldset className="presets" disabled={!editable}>
        <legend>Policy</legend>
        {choices.map((c) => (
          <label key={c.key} className="preset">
            <input type="radio" name="preset" value={c.key} checked={preset === c.key} onChange={() => setPreset(c.key)} />
            <span>
              <span className="preset-name">{c.name}</span>
              <span className="preset-desc">{c.desc}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {preset === 'custom' && (
        <div className="grid-2">
          <DurationInput
            id="idle"
            label="Idle timeout"
            value={idle}
            onChange={setIdle}
            defaultSeconds={policy.defaultIdleSeconds}
            bounds={`${range(policy.idleBounds)}.`}
            disabled={!editable}
            error={errors.idleSeconds}
          />
          <DurationInput
            id="absolute"
            label="Maximum session length"
            value={absolute}
            onChange={setAbsolute}
            defaultSeconds={policy.defaultAbsoluteSeconds}
            bounds={`${range(policy.absoluteBounds)}, and not shorter than the idle timeout.`}
            disabled={!editable}
            error={errors.absoluteSeconds}
          />
        </div>
      )}
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
