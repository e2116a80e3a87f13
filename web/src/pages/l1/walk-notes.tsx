import { useCallback, useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { CharLimit, LIMITS, overBy } from '../../components/char-limit.tsx';
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

type Status = 'saved' | 'unsaved' | 'saving' | 'failed' | 'too-long';

interface LocalNote {
  key: string;
  at: string;
  content: string;
}

let seq = 0;
const toLocal = (notes: ReadonlyArray<{ at: string; content: string }> | null): LocalNote[] => (notes ?? []).map((n) => ({ key: `n${seq++}`, at: n.at, content: n.content }));

/**
 * What is typed but not yet on the server, kept in this browser per walk: a reload, a crash or a
 * lost connection gives it back instead of losing it. Cleared once the server has it all.
 */
interface Kept {
  notes: Array<{ at: string; content: string }> | null;
  draft: string;
}
const keptKey = (walkId: string) => `l1.walk-notes.${walkId}`;

function readKept(walkId: string): Kept | null {
  try {
    const raw = localStorage.getItem(keptKey(walkId));
    const v = raw ? (JSON.parse(raw) as Kept) : null;
    return v && (typeof v.draft === 'string' || Array.isArray(v.notes)) ? { notes: Array.isArray(v.notes) ? v.notes : null, draft: v.draft ?? '' } : null;
  } catch {
    return null;
  }
}

function writeKept(walkId: string, kept: Kept | null) {
  try {
    if (!kept || (!kept.notes && !kept.draft)) localStorage.removeItem(keptKey(walkId));
    else localStorage.setItem(keptKey(walkId), JSON.stringify(kept));
  } catch {
    // Storage full or disabled: the beforeunload warning still stands.
  }
}

const tooLong = (notes: ReadonlyArray<{ content: string }>) => notes.some((n) => overBy(n.content, LIMITS.note) > 0);

/** Ad-hoc walks: timestamped notes, autosaved ~800 ms after the last keystroke. */
export function WalkNotes({ walk, readOnly }: { walk: WalkPage_SessionFragment; readOnly: boolean }) {
  // Restored once, on mount: unsent edits and the half-typed note from before a reload.
  const [restored] = useState(() => (readOnly ? null : readKept(walk.id)));
  const [notes, setNotes] = useState<LocalNote[]>(() => toLocal(restored?.notes ?? walk.notes));
  const [draft, setDraft] = useState(restored?.draft ?? '');
  const [status, setStatus] = useState<Status>(restored?.notes ? 'unsaved' : 'saved');
  const [, save] = useMutation(SaveNotesDoc);
  const toast = useToast();
  const dirty = useRef(!!restored?.notes);
  const changes = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const version = useRef(walk.version);
  const latest = useRef(notes);
  const keptNotes = useRef<Kept['notes']>(restored?.notes ?? null);
  const draftRef = useRef(restored?.draft ?? '');
  version.current = walk.version;
  latest.current = notes;

  // Live state wins whenever we hold no unsaved edits of our own.
  const serverNotes = JSON.stringify((walk.notes ?? []).map((n) => [n.at, n.content]));
  useEffect(() => {
    if (!dirty.current) setNotes(toLocal(JSON.parse(serverNotes).map(([at, content]: [string, string]) => ({ at, content }))));
  }, [serverNotes]);

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    if (tooLong(latest.current)) {
      setStatus('too-long');
      return;
    }
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
        keptNotes.current = null;
        writeKept(walk.id, { notes: null, draft: draftRef.current });
      } else {
        // Typed on while saving: save again.
        timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
        setStatus('unsaved');
      }
      return;
    }
    if (v) toast.failure(failureFromResult(v as ErrorLike));
    if (v?.__typename === 'ValidationError') {
      // Refused as it stands (too long, say): keep the text here so nothing typed is lost.
      setStatus('failed');
      return;
    }
    // Someone else changed or took the walk: drop our copy and show theirs.
    dirty.current = false;
    keptNotes.current = null;
    writeKept(walk.id, { notes: null, draft: draftRef.current });
    setStatus('saved');
    setNotes(toLocal(walk.notes));
  }, [save, toast, walk.id, walk.notes]);

  const keep = (next: { notes?: LocalNote[] | null; draft?: string }) => {
    if (next.notes !== undefined) keptNotes.current = next.notes ? next.notes.map((n) => ({ at: n.at, content: n.content })) : null;
    if (next.draft !== undefined) draftRef.current = next.draft;
    writeKept(walk.id, { notes: keptNotes.current, draft: draftRef.current });
  };

  const changed = (next: LocalNote[]) => {
    setNotes(next);
    latest.current = next;
    dirty.current = true;
    changes.current += 1;
    keep({ notes: next });
    clearTimeout(timer.current);
    if (tooLong(next)) {
      setStatus('too-long');
      return;
    }
    setStatus('unsaved');
    timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
  };

  useEffect(() => () => clearTimeout(timer.current), []);

  // Restored edits go to the server as soon as the page is back.
  useEffect(() => {
    if (restored?.notes) timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
    if (restored?.notes || restored?.draft) toast.info('Restored what you had not saved', 'Your notes from before the reload are back.');
    // An ended call takes no more notes: what was kept for it is of no use now.
    if (walk.status !== 'ACTIVE') writeKept(walk.id, null);
    // Once, on mount: `restored` is read once.
  }, []);

  const draftUnsent = !readOnly && draft.trim().length > 0;
  useEffect(() => {
    if (status !== 'unsaved' && status !== 'saving' && status !== 'failed' && status !== 'too-long' && !draftUnsent) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [status, draftUnsent]);

  const setDraftKept = (value: string) => {
    setDraft(value);
    keep({ draft: value });
  };

  const draftOver = overBy(draft, LIMITS.note) > 0;
  const add = () => {
    const content = draft.trim();
    if (!content || draftOver) return;
    setDraftKept('');
    changed([...notes, { key: `n${seq++}`, at: new Date().toISOString(), content }]);
  };

  const label: Record<Status, string> = {
    saved: 'Saved',
    unsaved: 'Unsaved changes',
    saving: 'Saving…',
    failed: 'Not saved',
    'too-long': 'Not saved: a note is too long',
  };
  // "Saved" only when everything typed is on the server: a note still in the box is not.
  const shown: { tone: Status; text: string } =
    status === 'saved' && draftUnsent ? { tone: 'unsaved', text: 'Note not added yet' } : { tone: status, text: label[status] };

  return (
    <Card
      title="Notes"
      actions={
        readOnly ? null : (
          <span className={`save-status save-${shown.tone === 'too-long' ? 'failed' : shown.tone}`} role="status" data-testid="save-status">
            <span className="dot" aria-hidden="true" />
            {shown.text}
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
                  <div className="note-edit-wrap">
                    <textarea
                      className="note-edit"
                      aria-label={`Note at ${formatTime(n.at)}`}
                      aria-invalid={overBy(n.content, LIMITS.note) > 0 || undefined}
                      rows={Math.min(6, Math.max(1, n.content.split('\n').length))}
                      value={n.content}
                      onChange={(e) => changed(notes.map((x, j) => (j === i ? { ...x, content: e.target.value } : x)))}
                    />
                    <CharLimit id={`note-count-${i}`} value={n.content} max={LIMITS.note} showFrom={LIMITS.note * 0.8} />
                  </div>
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
            aria-describedby="new-note-count"
            aria-invalid={draftOver || undefined}
            onChange={(e) => setDraftKept(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                add();
              }
            }}
          />
          <button type="button" className="btn btn-secondary" onClick={add} disabled={!draft.trim() || draftOver}>
            Add note
          </button>
          <CharLimit id="new-note-count" value={draft} max={LIMITS.note} showFrom={1} />
        </div>
      )}
    </Card>
  );
}
