import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { useToast } from '../../../components/toasts.tsx';
import { Dialog } from '../../../components/ui.tsx';
import { graphql } from '../../../gql/index.ts';
import { unwrap } from '../../../lib/errors.ts';
import { pluralize } from '../../../lib/format.ts';
import { EscalateFields, type EscalateValues, escalateValid } from '../escalate-form.tsx';
import type { Walk } from './session.ts';

const EscalateDoc = graphql(`
  mutation WalkPage_Escalate($sessionId: ID!, $reasonCategory: EscalationReason!, $reason: String, $expectedVersion: Int) {
    escalateWalk(sessionId: $sessionId, reasonCategory: $reasonCategory, reason: $reason, expectedVersion: $expectedVersion) {
      __typename
      ... on EscalationPayload {
        notifiedCount
        warning
        # Shallow on purpose (the API caps query depth); the live subscription brings the rest.
        session {
          id
          version
          status
          endedAt
          escalationReasonCategory
          escalationReason
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
      ... on ConflictError {
        reason
      }
    }
  }
`);

export function EscalateDialog({
  open,
  onClose,
  walk,
  defaults,
}: {
  open: boolean;
  onClose: () => void;
  walk: Walk;
  defaults: EscalateValues;
}) {
  const [esc, setEsc] = useState<EscalateValues>(defaults);
  const [tried, setTried] = useState(false);
  const [{ fetching }, escalate] = useMutation(EscalateDoc);
  const toast = useToast();
  const [wasOpen, setWasOpen] = useState(open);
  if (wasOpen !== open) {
    setWasOpen(open);
    if (open) setTried(false);
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!escalateValid(esc)) return;
    const r = await escalate({
      sessionId: walk.id,
      reasonCategory: esc.category,
      reason: esc.reason.trim() || null,
      expectedVersion: walk.version,
    });
    const p = unwrap(r.data?.escalateWalk, r.error, 'EscalationPayload', toast.failure);
    if (!p) return;
    if (p.warning) toast.info('Escalated', p.warning);
    else toast.success('Escalated to engineers', `${pluralize(p.notifiedCount, 'person', 'people')} notified with the transcript.`);
    onClose();
  };
  return (
    <Dialog open={open} title="Escalate to engineers" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <EscalateFields value={esc} onChange={setEsc} showErrors={tried} />
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-warning" disabled={fetching}>
            {fetching ? 'Escalating…' : 'Escalate'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
