import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import type { EscalationReason } from '../../gql/graphql.ts';
import { CharLimit, LIMITS, overBy } from '../../components/char-limit.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Dialog, Field } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { unwrap } from '../../lib/errors.ts';
import { pluralize } from '../../lib/format.ts';
import { EscalateFields, type EscalateValues, escalateValid } from './escalate-form.tsx';

const EscalateNoWalkDoc = graphql(`
  mutation Dashboard_EscalateWithoutWalk(
    $problemStatement: String!
    $customerName: String
    $customerContact: String
    $reasonCategory: EscalationReason!
    $reason: String
  ) {
    escalateWithoutWalk(
      problemStatement: $problemStatement
      customerName: $customerName
      customerContact: $customerContact
      reasonCategory: $reasonCategory
      reason: $reason
    ) {
      __typename
      ... on EscalationPayload {
        notifiedCount
        warning
        session {
          id
        }
        ticket {
          id
          status
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export interface CallDetails {
  problem: string;
  customerName: string;
  customerContact: string;
  /** The reason to start from: what intake found (out of scope, nothing to walk). */
  category?: EscalationReason;
}
const NO_DETAILS: CallDetails = { problem: '', customerName: '', customerContact: '' };

/**
 * Hands a call to engineers before any walk (nothing to walk, or plainly not for L1). The server
 * records it as an escalated ad-hoc walk, which opens afterwards as the call's record.
 */
export function EscalateWithoutWalkDialog({
  open,
  onClose,
  initial = NO_DETAILS,
  onEscalated,
}: {
  open: boolean;
  onClose: () => void;
  initial?: CallDetails;
  onEscalated?: () => void;
}) {
  const [customerName, setCustomerName] = useState(initial.customerName);
  const [customerContact, setCustomerContact] = useState(initial.customerContact);
  const [problem, setProblem] = useState(initial.problem);
  const [esc, setEsc] = useState<EscalateValues>({ category: initial.category ?? 'NO_KB_AVAILABLE', reason: '' });
  const [tried, setTried] = useState(false);
  const [{ fetching }, escalate] = useMutation(EscalateNoWalkDoc);
  const toast = useToast();
  const navigate = useNavigate();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!escalateValid(esc)) return;
    const r = await escalate({
      problemStatement: problem.trim(),
      customerName: customerName.trim() || null,
      customerContact: customerContact.trim() || null,
      reasonCategory: esc.category,
      reason: esc.reason.trim() || null,
    });
    const p = unwrap(r.data?.escalateWithoutWalk, r.error, 'EscalationPayload', toast.failure);
    if (!p) return;
    if (p.warning) toast.info('Escalated', p.warning);
    else toast.success('Escalated to engineers', `${pluralize(p.notifiedCount, 'person', 'people')} notified.`);
    onEscalated?.();
    onClose();
    if (p.session) navigate(`/l1/walk/${p.session.id}`);
  };
  return (
    <Dialog open={open} title="Escalate without a walk" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <div className="grid-2">
          <Field label="Customer (optional)" htmlFor="nw-name">
            <input id="nw-name" maxLength={200} value={customerName} onChange={(e) => setCustomerName(e.target.value)} />
          </Field>
          <Field label="Contact (optional)" htmlFor="nw-contact">
            <input id="nw-contact" maxLength={320} value={customerContact} onChange={(e) => setCustomerContact(e.target.value)} />
          </Field>
        </div>
        <Field label="Problem" htmlFor="nw-problem">
          <textarea
            id="nw-problem"
            required
            rows={3}
            value={problem}
            aria-describedby="nw-problem-count"
            aria-invalid={overBy(problem, LIMITS.problemStatement) > 0 || undefined}
            onChange={(e) => setProblem(e.target.value)}
          />
          <CharLimit id="nw-problem-count" value={problem} max={LIMITS.problemStatement} showFrom={LIMITS.problemStatement * 0.8} />
        </Field>
        <EscalateFields value={esc} onChange={setEsc} showErrors={tried} hint="The account’s engineers are notified with these details." />
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-warning" disabled={fetching || overBy(problem, LIMITS.problemStatement) > 0}>
            {fetching ? 'Escalating…' : 'Escalate'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
