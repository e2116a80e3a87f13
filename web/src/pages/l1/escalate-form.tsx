import type { EscalationReason } from '../../gql/graphql.ts';
import { Field } from '../../components/ui.tsx';

export const REASONS: Array<{ value: EscalationReason; label: string }> = [
  { value: 'FLOW_DID_NOT_HELP', label: 'The flow didn’t solve it' },
  { value: 'NEEDS_ADMIN_ACCESS', label: 'Needs admin access' },
  { value: 'HARDWARE_FAILURE', label: 'Hardware failure' },
  { value: 'NO_KB_AVAILABLE', label: 'No knowledge base for this' },
  { value: 'CUSTOMER_REQUEST', label: 'Customer asked for an engineer' },
  { value: 'OUT_OF_SCOPE', label: 'Out of scope for L1' },
  { value: 'OTHER', label: 'Other (describe below)' },
];

export interface EscalateValues {
  category: EscalationReason;
  reason: string;
}

/** Category + reason; the reason is required for OTHER (the API refuses it otherwise). */
export function EscalateFields({
  value,
  onChange,
  showErrors,
  hint = 'The transcript and notes are sent with the escalation.',
}: {
  value: EscalateValues;
  onChange: (v: EscalateValues) => void;
  showErrors: boolean;
  hint?: string;
}) {
  const reasonMissing = value.category === 'OTHER' && !value.reason.trim();
  return (
    <>
      <Field label="Reason" htmlFor="esc-category">
        <select
          id="esc-category"
          value={value.category}
          onChange={(e) => onChange({ ...value, category: e.target.value as EscalationReason })}
        >
          {REASONS.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={value.category === 'OTHER' ? 'What happened?' : 'Details for the engineer (optional)'}
        htmlFor="esc-reason"
        error={showErrors && reasonMissing ? 'Describe the reason when you choose “Other”.' : null}
        hint={hint}
      >
        <textarea id="esc-reason" rows={4} value={value.reason} onChange={(e) => onChange({ ...value, reason: e.target.value })} />
      </Field>
    </>
  );
}

export function escalateValid(v: EscalateValues): boolean {
  return v.category !== 'OTHER' || v.reason.trim().length > 0;
}
