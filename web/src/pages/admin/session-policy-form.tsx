import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { graphql } from '../../gql/index.ts';
import type { AdminSecurity_PolicyQuery } from '../../gql/graphql.ts';
import { fieldErrors, unwrap } from '../../lib/errors.ts';
import { formatDuration } from '../../lib/format.ts';
import { type DurationValue, DurationInput, split, UNIT_SECONDS } from './duration-input.tsx';

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

export type Policy = NonNullable<AdminSecurity_PolicyQuery['me']['account']['sessionPolicy']>;

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

export function PolicyForm({ policy, editable }: { policy: Policy; editable: boolean }) {
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
