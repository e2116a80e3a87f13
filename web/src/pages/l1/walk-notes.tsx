import { useCallback, useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Card, EmptyState } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { WalkPage_SessionFragment } from '../../gql/graphql.ts';
import { type ErrorLike, failureFromError, failureFromResult } from '../../lib/errors.ts';
import { formatTime } from '../../lib/format.ts';

const SaveNotesDoc = graphql(`
  mutation WalkNotes_Save($sessionId: ID!, $notes: [WalkNoteInput!]!, $expectedVersion: Int) {
    updateWalkNotes(sessionId: $sessionId, notes: $notes, expectedVersion: $expectedVersion) {
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

export const AUTOSAVE_MS = 800;

type Status = 'saved' | 'unsaved' | 'saving' | 'failed';

interface LocalNote {
  key: string;
  at: string;
  content: string;
}

let seq = 0;
const toLocal = (notes: ReadonlyArray<{ at: string; content: string }> | null): LocalNote[] => (notes ?? []).map((n) => ({ key: `n${seq++}`, at: n.at, content: n.content }));

/** Ad-hoc walks: timestamped notes, autosaved ~800 ms after the last keystroke. */
export function WalkNotes({ walk, readOnly }: { walk: WalkPage_SessionFragment; readOnly: boolean }) {
  const [notes, setNotes] = useState<LocalNote[]>(() => toLocal(walk.notes));
  const [draft, setDraft] = useState('');
  const [status, setStatus] = useState<Status>('saved');
  const [, save] = useMutation(SaveNotesDoc);
  const toast = useToast();
  const dirty = useRef(false);
  const changes = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const version = useRef(walk.version);
  const latest = useRef(notes);
  version.current = walk.version;
  latest.current = notes;

  // Live state wins whenever we hold no unsaved edits of our own.
  const serverNotes = JSON.stringify((walk.notes ?? []).map((n) => [n.at, n.content]));
  useEffect(() => {
    if (!dirty.current) setNotes(toLocal(JSON.parse(serverNotes).map(([at, content]: [string, string]) => ({ at, content }))));
  }, [serverNotes]);

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    const sentAt = changes.current;
    setStatus('saving');
    const r = await save({
      sessionId: walk.id,
      notes: latest.current.map((n) => ({ at: n.at, content: n.content })),
      expectedVersion: version.current,
    });
    const v = r.data?.updateWalkNotes;
    if (!v && r.error) {
      setStatus('failed');
      toast.failure(failureFromError(r.error));
      return;
    }
    if (v?.__typename === 'WalkSession') {
      version.current = v.version;
      if (changes.current === sentAt) {
        dirty.current = false;
        setStatus('saved');
      } else {
        // Typed on while saving: save again.
        timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
        setStatus('unsaved');
      }
      return;
    }
    if (v) toast.failure(failureFromResult(v as ErrorLike));
    // Someone else changed or took the walk: drop our copy and show theirs.
    dirty.current = false;
    setStatus('saved');
    setNotes(toLocal(walk.notes));
  }, [save, toast, walk.id, walk.notes]);

  const changed = (next: LocalNote[]) => {
    setNotes(next);
    latest.current = next;
    dirty.current = true;
    changes.current += 1;
    setStatus('unsaved');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
  };

  useEffect(() => () => clearTimeout(timer.current), []);

  useEffect(() => {
    if (status !== 'unsaved' && status !== 'saving' && status !== 'failed') return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [status]);

  const add = () => {
    const content = draft.trim();
    if (!content) return;
    changed([...notes, { key: `n${seq++}`, at: new Date().toISOString(), content }]);
    setDraft('');
  };

  const label: Record<Status, string> = { saved: 'Saved', unsaved: 'Unsaved changes', saving: 'Saving…', failed: 'Not saved' };

  return (
    <Card
      title="Notes"
      actions={
        readOnly ? null : (
          <span className={`save-status save-${status}`} role="status" data-testid="save-status">
            <span className="dot" aria-hidden="true" />
            {label[status]}
            {status === 'failed' && (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => void flush()}>
                Retry
              </button>
            )}
          </span>
        )
      }
    >
      {notes.length === 0 ? (
        <EmptyState title="No notes yet" icon="note">
          {!readOnly
            ? 'Write what you check and what the customer tells you; each note is timestamped.'
            : walk.status === 'ACTIVE'
              ? `Nothing written yet. ${walk.handler.name}’s notes appear here as they are saved.`
              : 'Nothing was written on this call.'}
        </EmptyState>
      ) : (
        <ol className="notes">
          {notes.map((n, i) => (
            <li key={n.key} className="note">
              <time className="note-time" dateTime={n.at}>
                {formatTime(n.at)}
              </time>
              {readOnly ? (
                <div className="note-text pre-wrap">{n.content}</div>
              ) : (
                <>
                  <textarea
                    className="note-edit"
                    aria-label={`Note at ${formatTime(n.at)}`}
                    rows={Math.min(6, Math.max(1, n.content.split('\n').length))}
                    value={n.content}
                    onChange={(e) => changed(notes.map((x, j) => (j === i ? { ...x, content: e.target.value } : x)))}
                  />
                  <button type="button" className="icon-btn" aria-label={`Delete note at ${formatTime(n.at)}`} onClick={() => changed(notes.filter((_, j) => j !== i))}>
                    ×
                  </button>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {!readOnly && (
        <div className="note-new">
          <label htmlFor="new-note" className="sr-only">
            New note
          </label>
          <textarea
            id="new-note"
            rows={2}
            placeholder="Add a note… (Ctrl+Enter)"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                add();
              }
            }}
          />
          <button type="button" className="btn btn-secondary" onClick={add} disabled={!draft.trim()}>
            Add note
          </button>
        </div>
      )}
    </Card>
  );
}
