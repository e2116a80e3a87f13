import { formatDuration } from '../../lib/format.ts';

export type Unit = 'minutes' | 'hours' | 'days';
export const UNIT_SECONDS: Record<Unit, number> = { minutes: 60, hours: 3600, days: 86_400 };

export function split(seconds: number): { n: string; unit: Unit } {
  if (seconds % 86_400 === 0) return { n: String(seconds / 86_400), unit: 'days' };
  if (seconds % 3600 === 0) return { n: String(seconds / 3600), unit: 'hours' };
  return { n: String(Math.round(seconds / 60)), unit: 'minutes' };
}

export interface DurationValue {
  useDefault: boolean;
  n: string;
  unit: Unit;
}

export function DurationInput({
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
