import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Dialog, Field } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { unwrap } from '../../lib/errors.ts';
import { type Ticket } from './escalation-handoff.tsx';

const ResolveDoc = graphql(`
  mutation Escalations_Resolve($ticketId: ID!, $resolutionNotes: String!) {
    resolveEscalation(ticketId: $ticketId, resolutionNotes: $resolutionNotes) {
      __typename
      ... on InternalTicket {
        id
        status
        resolutionNotes
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

export function ResolveEscalationDialog({ ticket, onClose }: { ticket: Ticket | null; onClose: () => void }) {
  const [notes, setNotes] = useState('');
  const [tried, setTried] = useState(false);
  const [{ fetching }, resolve] = useMutation(ResolveDoc);
  const toast = useToast();
  // A newly chosen ticket starts with an empty form (adjusted while rendering, not in an effect).
  const [shownFor, setShownFor] = useState(ticket);
  if (shownFor !== ticket) {
    setShownFor(ticket);
    if (ticket) {
      setNotes('');
      setTried(false);
    }
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!ticket || !notes.trim()) return;
    const r = await resolve({ ticketId: ticket.id, resolutionNotes: notes.trim() });
    if (unwrap(r.data?.resolveEscalation, r.error, 'InternalTicket', toast.failure)) {
      toast.success('Escalation resolved', 'The ticket is resolved with your notes.');
      onClose();
    }
  };
  return (
    <Dialog open={!!ticket} title="Resolve this escalation" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <p className="muted small clamp-2">{ticket?.problemStatement}</p>
        <Field label="Resolution notes" htmlFor="escalation-notes" error={tried && !notes.trim() ? 'Say briefly what fixed it.' : null}>
          <textarea id="escalation-notes" rows={4} value={notes} onChange={(e) => setNotes(e.target.value)} placeholder="What fixed it?" />
        </Field>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={fetching}>
            {fetching ? 'Resolving…' : 'Resolve ticket'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
