import { useCallback, useEffect, useEffectEvent, useLayoutEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { CharLimit, LIMITS, overBy } from '../../../components/char-limit.tsx';
import { useMe } from '../../../components/me.tsx';
import { useToast } from '../../../components/toasts.tsx';
import { Card, EmptyState } from '../../../components/ui.tsx';
import { graphql } from '../../../gql/index.ts';
import type { WalkPage_SessionFragment } from '../../../gql/graphql.ts';
import { type ErrorLike, failureFromError, failureFromResult } from '../../../lib/errors.ts';
import { formatTime } from '../../../lib/format.ts';
import { type Kept, mergeNotes, readKept, writeKept } from './notes-kept.ts';
import './walk-notes.css';

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
        currentVersion
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
const toLocal = (notes: ReadonlyArray<{ at: string; content: string }> | null): LocalNote[] =>
  (notes ?? []).map((n) => ({ key: `n${seq++}`, at: n.at, content: n.content }));

const tooLong = (notes: ReadonlyArray<{ content: string }>) => notes.some((n) => overBy(n.content, LIMITS.note) > 0);

/** Ad-hoc walks: timestamped notes, autosaved ~800 ms after the last keystroke. */
export function WalkNotes({ walk, readOnly }: { walk: WalkPage_SessionFragment; readOnly: boolean }) {
  const me = useMe();
  // Restored once, on mount: unsent edits and the half-typed note from before a reload. When the
  // walk changed since they were kept (a coverer wrote in the meantime), they are merged in, not
  // saved over the newer notes.
  const [restored] = useState(() => {
    const kept = readOnly ? null : readKept(me.id, walk.id);
    if (!kept?.notes || kept.baseVersion === walk.version) return kept ? { ...kept, merged: false } : null;
    return { ...kept, notes: mergeNotes(walk.notes ?? [], kept.notes), merged: true };
  });
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
  // The version our unsaved edits started from; null while nothing is unsaved.
  const baseVersion = useRef<number | null>(restored?.notes ? walk.version : null);
  const conflicts = useRef(0);
  // Kept in step with every render for the timers and the save in flight, which outlive it.
  useLayoutEffect(() => {
    version.current = walk.version;
    latest.current = notes;
  });

  // Live state wins whenever we hold no unsaved edits of our own.
  const serverNotes = JSON.stringify((walk.notes ?? []).map((n) => [n.at, n.content]));
  useEffect(() => {
    if (!dirty.current) setNotes(toLocal(JSON.parse(serverNotes).map(([at, content]: [string, string]) => ({ at, content }))));
  }, [serverNotes]);

  const flush = useCallback(() => {
    // Named so a save can schedule the next one from the same render's closure.
    const run = async (): Promise<void> => {
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
          baseVersion.current = null;
          conflicts.current = 0;
          writeKept(me.id, walk.id, { notes: null, draft: draftRef.current, baseVersion: null });
        } else {
          // Typed on while saving: save again.
          timer.current = setTimeout(() => void run(), AUTOSAVE_MS);
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
      if (v?.__typename === 'ConflictError' && v.reason === 'STALE_VERSION' && conflicts.current < 3) {
        // Someone else saved notes in between: keep theirs and ours, and save the union on top of
        // their version (the live feed brings it; retried a few times while it arrives).
        conflicts.current += 1;
        const merged = toLocal(mergeNotes(walk.notes ?? [], latest.current));
        setNotes(merged);
        latest.current = merged;
        if (typeof v.currentVersion === 'number') version.current = v.currentVersion;
        setStatus('unsaved');
        timer.current = setTimeout(() => void run(), AUTOSAVE_MS);
        return;
      }
      if (v?.__typename === 'ConflictError' && v.reason === 'STALE_VERSION') {
        // Still changing under us: stop, keep what was typed (here and in this browser).
        setStatus('failed');
        return;
      }
      // Someone else took the walk: drop our copy and show theirs.
      dirty.current = false;
      keptNotes.current = null;
      baseVersion.current = null;
      writeKept(me.id, walk.id, { notes: null, draft: draftRef.current, baseVersion: null });
      setStatus('saved');
      setNotes(toLocal(walk.notes));
    };
    return run();
  }, [save, toast, walk.id, walk.notes, me.id]);

  const keep = (next: { notes?: LocalNote[] | null; draft?: string }) => {
    if (next.notes !== undefined) keptNotes.current = next.notes ? next.notes.map((n) => ({ at: n.at, content: n.content })) : null;
    if (next.draft !== undefined) draftRef.current = next.draft;
    if (keptNotes.current && baseVersion.current === null) baseVersion.current = version.current;
    writeKept(me.id, walk.id, {
      notes: keptNotes.current,
      draft: draftRef.current,
      baseVersion: keptNotes.current ? baseVersion.current : null,
    });
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

  // Restored edits go to the server as soon as the page is back. Once, on mount: `restored` is
  // read once, and the toast and the walk are read as they are then.
  const onMount = useEffectEvent(() => {
    if (restored?.notes) timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
    if (restored?.notes || restored?.draft) {
      toast.info(
        'Restored what you had not saved',
        restored.merged
          ? 'Your notes from before the reload are back, next to the notes saved since.'
          : 'Your notes from before the reload are back.',
      );
    }
    // An ended call takes no more notes: what was kept for it is of no use now.
    if (walk.status !== 'ACTIVE') writeKept(me.id, walk.id, null);
  });
  useEffect(() => onMount(), []);

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
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Delete note at ${formatTime(n.at)}`}
                    onClick={() => changed(notes.filter((_, j) => j !== i))}
                  >
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
