import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { useToast } from '../../../components/toasts.tsx';
import { Dialog, Field } from '../../../components/ui.tsx';
import { graphql } from '../../../gql/index.ts';
import { unwrap } from '../../../lib/errors.ts';
import type { Walk } from './session.ts';

const ResolveDoc = graphql(`
  mutation WalkPage_Resolve($sessionId: ID!, $helpful: Boolean!, $resolutionNotes: String!, $expectedVersion: Int) {
    resolveWalk(sessionId: $sessionId, helpful: $helpful, resolutionNotes: $resolutionNotes, expectedVersion: $expectedVersion) {
      __typename
      ...WalkPage_Session
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

export function ResolveDialog({
  open,
  onClose,
  walk,
  defaultNotes,
}: {
  open: boolean;
  onClose: () => void;
  walk: Walk;
  defaultNotes: string;
}) {
  const [helpful, setHelpful] = useState<boolean | null>(null);
  const [notes, setNotes] = useState(defaultNotes);
  const [tried, setTried] = useState(false);
  const [{ fetching }, resolve] = useMutation(ResolveDoc);
  const toast = useToast();
  // Opening (or a new suggestion while open) fills empty notes and clears old errors; adjusted
  // while rendering, as React recommends, rather than in an effect that renders twice.
  const [seen, setSeen] = useState({ open, defaultNotes });
  if (seen.open !== open || seen.defaultNotes !== defaultNotes) {
    setSeen({ open, defaultNotes });
    if (open) {
      setNotes((n) => n || defaultNotes);
      setTried(false);
    }
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (helpful === null || !notes.trim()) return;
    const r = await resolve({ sessionId: walk.id, helpful, resolutionNotes: notes.trim(), expectedVersion: walk.version });
    if (unwrap(r.data?.resolveWalk, r.error, 'WalkSession', toast.failure)) {
      toast.success('Ticket resolved', 'Thanks — the outcome is recorded.');
      onClose();
    }
  };
  return (
    <Dialog open={open} title="Resolve this call" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <fieldset className={`field ${tried && helpful === null ? 'field-invalid' : ''}`}>
          <legend>{walk.kind === 'ADHOC' ? 'Were your notes enough to solve it?' : 'Did the flow help?'}</legend>
          <div className="choice-row">
            <label className={`choice ${helpful === true ? 'choice-on' : ''}`}>
              <input type="radio" name="helpful" checked={helpful === true} onChange={() => setHelpful(true)} /> Yes, it helped
            </label>
            <label className={`choice ${helpful === false ? 'choice-on' : ''}`}>
              <input type="radio" name="helpful" checked={helpful === false} onChange={() => setHelpful(false)} /> No
            </label>
          </div>
          {tried && helpful === null && <div className="field-error">Choose yes or no.</div>}
        </fieldset>
        <Field label="Resolution notes" htmlFor="resolution-notes" error={tried && !notes.trim() ? 'Say briefly what fixed it.' : null}>
          <textarea id="resolution-notes" rows={4} value={notes} onChange={(e) => setNotes(e.target.value)} placeholder="What fixed it?" />
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
