import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import { CharLimit, LIMITS, overBy } from '../../components/char-limit.tsx';
import { ClampedText } from '../../components/clamped-text.tsx';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Avatar, Badge, Card, Dialog, EmptyState, ErrorState, Field, Loading, StatusBadge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { StepAnswer, WalkPage_SessionFragment } from '../../gql/graphql.ts';
import { type ErrorLike, failureFromError, failureFromResult, unwrap } from '../../lib/errors.ts';
import { formatDateTime, formatTime, humanize, pluralize } from '../../lib/format.ts';
import { useDocumentTitle, useNow } from '../../lib/hooks.ts';
import { canUseL1Desk, usesCoverageBoard } from '../../lib/roles.ts';
import { TakeOverDialog } from '../../components/takeover-dialog.tsx';
import { CustomerName } from '../../components/customer.tsx';
import { EscalateFields, type EscalateValues, escalateValid } from './escalate-form.tsx';
import { WalkNotes } from './walk-notes.tsx';

graphql(`
  fragment WalkPage_Session on WalkSession {
    id
    version
    kind
    status
    title
    actingAs
    startedAt
    endedAt
    lastStepAt
    helpful
    resolutionNotes
    escalationReasonCategory
    escalationReason
    handler {
      id
      name
    }
    createdBy {
      id
      name
    }
    takenFrom {
      id
      name
    }
    handBackRequestedAt
    releasedAt
    canTakeOver
    takeOverOpensAt
    takeOverBlockedReason
    currentNode {
      id
      kind
      text
      yesLabel
      noLabel
    }
    steps {
      id
      seq
      question
      answer
      answerLabel
      note
      actingAs
      createdAt
      actor {
        id
        name
      }
    }
    notes {
      at
      content
    }
    watchers {
      userId
      name
      role
      since
    }
    ticket {
      id
      customerName
      customerContact
      problemStatement
      status
    }
  }
`);

const WalkDoc = graphql(`
  query WalkPage_Walk($id: ID!) {
    walkSession(id: $id) {
      __typename
      ...WalkPage_Session
      ... on Error {
        code
        message
      }
    }
  }
`);

const LiveDoc = graphql(`
  subscription WalkPage_Live($id: ID!) {
    walkSession(id: $id) {
      ...WalkPage_Session
    }
  }
`);

const RecordStepDoc = graphql(`
  mutation WalkPage_RecordStep(
    $sessionId: ID!
    $nodeId: String!
    $answer: StepAnswer!
    $note: String
    $clientStepId: String!
    $expectedVersion: Int
  ) {
    recordStep(
      sessionId: $sessionId
      nodeId: $nodeId
      answer: $answer
      note: $note
      clientStepId: $clientStepId
      expectedVersion: $expectedVersion
    ) {
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

const DraftFromNotesDoc = graphql(`
  mutation WalkPage_DraftFromNotes($sessionId: ID!) {
    createProposalFromWalk(sessionId: $sessionId) {
      __typename
      ... on FlowProposal {
        id
        title
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

/** After an ad-hoc call ends, its notes can become a draft tree for engineers to review. */
function DraftFromNotes({ walk }: { walk: Walk }) {
  const me = useMe();
  const toast = useToast();
  const [{ fetching }, make] = useMutation(DraftFromNotesDoc);
  const [made, setMade] = useState<{ id: string; title: string } | null>(null);
  if (walk.kind !== 'ADHOC' || (walk.status !== 'RESOLVED' && walk.status !== 'ESCALATED') || walk.createdBy.id !== me.id) return null;
  if (made) {
    return (
      <p className="draft-made" data-testid="draft-made">
        Draft “{made.title}” is ready for review. <Link to="/l1/drafts">Open my drafts</Link>
      </p>
    );
  }
  return (
    <button
      type="button"
      className="btn btn-secondary"
      disabled={fetching || (walk.notes?.length ?? 0) === 0}
      title={(walk.notes?.length ?? 0) === 0 ? 'This call has no notes to turn into a draft' : undefined}
      onClick={async () => {
        const r = await make({ sessionId: walk.id });
        const p = unwrap(r.data?.createProposalFromWalk, r.error, 'FlowProposal', toast.failure);
        if (p) {
          setMade({ id: p.id, title: p.title });
          toast.success('Draft created', 'Engineers see it in their review queue; you find it in My drafts.');
        }
      }}
    >
      {fetching ? 'Creating draft…' : 'Turn these notes into a draft'}
    </button>
  );
}

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

const TakeOverDoc = graphql(`
  mutation WalkPage_TakeOver($sessionId: ID!, $expectedVersion: Int) {
    takeOverWalk(sessionId: $sessionId, expectedVersion: $expectedVersion) {
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

const AskBackDoc = graphql(`
  mutation WalkPage_AskBack($sessionId: ID!) {
    requestWalkBack(sessionId: $sessionId) {
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

const HandBackDoc = graphql(`
  mutation WalkPage_HandBack($sessionId: ID!, $toUserId: ID) {
    handBackWalk(sessionId: $sessionId, toUserId: $toUserId) {
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

const ReleaseDoc = graphql(`
  mutation WalkPage_Release($sessionId: ID!) {
    releaseWalk(sessionId: $sessionId) {
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

type Walk = WalkPage_SessionFragment;

interface PendingStep {
  nodeId: string;
  answer: StepAnswer;
  note: string;
  clientStepId: string;
}

function newId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

function Kbd({ children }: { children: string }) {
  return (
    <kbd className="kbd" aria-hidden="true">
      {children}
    </kbd>
  );
}

/** The node to answer now, with its own labels; the note goes with the answer. */
function CurrentStep({
  walk,
  readOnly,
  busy,
  failed,
  onAnswer,
  onRetry,
  onResolve,
  onEscalate,
  note,
  setNote,
  readOnlyReason,
}: {
  walk: Walk;
  readOnly: boolean;
  readOnlyReason: string | null;
  busy: boolean;
  failed: boolean;
  onAnswer: (a: StepAnswer) => void;
  onRetry: () => void;
  onResolve: () => void;
  onEscalate: () => void;
  note: string;
  setNote: (s: string) => void;
}) {
  const node = walk.currentNode;
  if (!node) {
    return (
      <Card>
        <EmptyState title="No step to answer" icon="steps">
          This walk has no current step. Resolve or escalate it.
        </EmptyState>
      </Card>
    );
  }
  const terminal = node.kind === 'RESOLUTION' || node.kind === 'ESCALATION';
  // A note over the limit would be refused with the answer: say so before, and hold the answer.
  const noteOver = overBy(note, LIMITS.stepNote) > 0;
  const kindLabel: Record<string, string> = {
    QUESTION: 'Question',
    INSTRUCTION: 'Instruction',
    RESOLUTION: 'Resolution',
    ESCALATION: 'Escalate',
  };
  return (
    <section className={`card step-card step-${node.kind.toLowerCase()}`} aria-labelledby="current-step-text" data-testid="current-step">
      <div className="step-head">
        <Badge
          tone={node.kind === 'RESOLUTION' ? 'green' : node.kind === 'ESCALATION' ? 'amber' : node.kind === 'QUESTION' ? 'blue' : 'gray'}
        >
          {kindLabel[node.kind]}
        </Badge>
        <span className="muted">Step {(walk.steps?.length ?? 0) + 1}</span>
      </div>
      <p className="step-text" id="current-step-text">
        {node.text}
      </p>
      {!terminal && (
        <div className="field step-note">
          <label htmlFor="step-note">Note for this step (optional)</label>
          <textarea
            id="step-note"
            rows={2}
            value={note}
            disabled={readOnly}
            placeholder="What did the customer say or see?"
            aria-describedby="step-note-count"
            aria-invalid={overBy(note, LIMITS.stepNote) > 0 || undefined}
            onChange={(e) => setNote(e.target.value)}
          />
          <CharLimit id="step-note-count" value={note} max={LIMITS.stepNote} showFrom={LIMITS.stepNote * 0.8} />
        </div>
      )}
      <div className="step-actions" role="group" aria-label="Answer">
        {node.kind === 'QUESTION' && (
          <>
            <button
              type="button"
              className="btn btn-answer btn-yes"
              disabled={readOnly || busy || noteOver}
              onClick={() => onAnswer('YES')}
            >
              {node.yesLabel} <Kbd>Y</Kbd>
            </button>
            <button type="button" className="btn btn-answer btn-no" disabled={readOnly || busy || noteOver} onClick={() => onAnswer('NO')}>
              {node.noLabel} <Kbd>N</Kbd>
            </button>
          </>
        )}
        {node.kind === 'INSTRUCTION' && (
          <button
            type="button"
            className="btn btn-answer btn-continue"
            disabled={readOnly || busy || noteOver}
            onClick={() => onAnswer('CONTINUE')}
          >
            Continue <Kbd>Enter</Kbd>
          </button>
        )}
        {node.kind === 'RESOLUTION' && (
          <>
            <button type="button" className="btn btn-primary" disabled={readOnly} onClick={onResolve}>
              Resolve ticket <Kbd>R</Kbd>
            </button>
            <button type="button" className="btn btn-secondary" disabled={readOnly} onClick={onEscalate}>
              Escalate instead
            </button>
          </>
        )}
        {node.kind === 'ESCALATION' && (
          <>
            <button type="button" className="btn btn-warning" disabled={readOnly} onClick={onEscalate}>
              Escalate to engineers <Kbd>E</Kbd>
            </button>
            <button type="button" className="btn btn-secondary" disabled={readOnly} onClick={onResolve}>
              Resolve anyway
            </button>
          </>
        )}
        {busy && <span className="muted saving-hint">Saving…</span>}
      </div>
      {readOnly && readOnlyReason && (
        <p className="muted small readonly-reason" data-testid="readonly-reason">
          {readOnlyReason}
        </p>
      )}
      {failed && !busy && (
        <div className="banner banner-error inline-banner" role="alert">
          Your answer was not saved.
          <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
            Retry
          </button>
        </div>
      )}
    </section>
  );
}

function Transcript({ walk }: { walk: Walk }) {
  // Null only for someone who may not read a live call; the walk page is the L1 desk's.
  const steps = walk.steps ?? [];
  if (steps.length === 0) {
    return (
      <Card title="Transcript">
        <EmptyState title="No steps yet" icon="steps">
          Each answer is recorded here with the label chosen.
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card title="Transcript" actions={<span className="muted">{pluralize(steps.length, 'step')}</span>}>
      <ol className="transcript" data-testid="transcript">
        {steps.map((s) => (
          <li key={s.id} className="transcript-step">
            <span className="transcript-seq">{s.seq}</span>
            <div className="transcript-body">
              <div className="transcript-question">{s.question}</div>
              <div className="transcript-answer">
                <span className={`answer-pill answer-${s.answer.toLowerCase()}`}>{s.answerLabel}</span>
                <span className="muted">
                  {s.actor.name} · {formatTime(s.createdAt)}
                  {s.actingAs === 'l1_coverage' ? ' · coverage' : ''}
                </span>
              </div>
              {s.note && <div className="transcript-note">{s.note}</div>}
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}

function Outcome({ walk }: { walk: Walk }) {
  if (walk.status === 'ACTIVE') return null;
  return (
    <section className={`card outcome outcome-${walk.status.toLowerCase()}`} data-testid="walk-outcome">
      <div className="outcome-head">
        <StatusBadge status={walk.status} />
        <span className="muted">{formatDateTime(walk.endedAt)}</span>
      </div>
      {walk.status === 'RESOLVED' && (
        <>
          <h2>Call resolved</h2>
          <p>
            {walk.kind === 'ADHOC'
              ? 'Resolved from the call notes.'
              : walk.helpful === true
                ? 'The flow helped.'
                : walk.helpful === false
                  ? 'The flow did not help.'
                  : ''}{' '}
            The ticket is {humanize(walk.ticket?.status ?? 'RESOLVED').toLowerCase()}.
          </p>
          {walk.resolutionNotes && <blockquote>{walk.resolutionNotes}</blockquote>}
        </>
      )}
      {walk.status === 'ESCALATED' && (
        <>
          <h2>Escalated to engineers</h2>
          <p>Reason: {humanize(walk.escalationReasonCategory)}</p>
          {walk.escalationReason && <blockquote>{walk.escalationReason}</blockquote>}
        </>
      )}
      {walk.status === 'ABANDONED' && (
        <>
          <h2>Abandoned</h2>
          <p>This walk was idle too long and was closed. Its ticket went back to the queue.</p>
        </>
      )}
      <div className="outcome-actions">
        <DraftFromNotes walk={walk} />
        <Link to="/l1" className="btn btn-primary">
          Back to dashboard
        </Link>
        <Link to="/l1/tickets" className="btn btn-secondary">
          View tickets
        </Link>
      </div>
    </section>
  );
}

function ResolveDialog({ open, onClose, walk, defaultNotes }: { open: boolean; onClose: () => void; walk: Walk; defaultNotes: string }) {
  const [helpful, setHelpful] = useState<boolean | null>(null);
  const [notes, setNotes] = useState(defaultNotes);
  const [tried, setTried] = useState(false);
  const [{ fetching }, resolve] = useMutation(ResolveDoc);
  const toast = useToast();
  useEffect(() => {
    if (open) {
      setNotes((n) => n || defaultNotes);
      setTried(false);
    }
  }, [open, defaultNotes]);
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

function EscalateDialog({ open, onClose, walk, defaults }: { open: boolean; onClose: () => void; walk: Walk; defaults: EscalateValues }) {
  const [esc, setEsc] = useState<EscalateValues>(defaults);
  const [tried, setTried] = useState(false);
  const [{ fetching }, escalate] = useMutation(EscalateDoc);
  const toast = useToast();
  useEffect(() => {
    if (open) setTried(false);
  }, [open]);
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

function Watchers({ walk, meId }: { walk: Walk; meId: string }) {
  const others = (walk.watchers ?? []).filter((w) => w.userId !== meId);
  if (others.length === 0) return <span className="muted watchers-none">Only you</span>;
  // The handler has the walk open too: they are handling it, not watching it.
  const doing = (w: { userId: string }) => (w.userId === walk.handler.id ? 'is handling' : 'is watching');
  return (
    <div className="watchers" data-testid="watchers" aria-label={`Watching: ${others.map((w) => w.name).join(', ')}`}>
      <div className="avatar-stack">
        {others.slice(0, 5).map((w) => (
          <Avatar key={w.userId} name={w.name} seed={w.userId} size="sm" title={`${w.name} (${humanize(w.role)}) ${doing(w)}`} />
        ))}
      </div>
      <span className="muted">
        {others.length === 1
          ? `${others[0]!.name} ${doing(others[0]!)}`
          : others.some((w) => w.userId === walk.handler.id)
            ? `${walk.handler.name} is handling · ${others.length - 1} watching`
            : `${others.length} watching`}
      </span>
    </div>
  );
}

export function WalkPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const toast = useToast();
  const [res, refetch] = useQuery({ query: WalkDoc, variables: { id } });
  const [live] = useSubscription({ query: LiveDoc, variables: { id } });
  const [, recordStep] = useMutation(RecordStepDoc);
  const [{ fetching: takingOver }, takeOver] = useMutation(TakeOverDoc);
  const [{ fetching: asking }, askBack] = useMutation(AskBackDoc);
  const [{ fetching: handingBack }, handBack] = useMutation(HandBackDoc);
  const [{ fetching: releasing }, releaseWalk] = useMutation(ReleaseDoc);
  const [confirmTakeOver, setConfirmTakeOver] = useState(false);
  const now = useNow(5000);
  const noteKey = `l1.walk-note.${id}`;
  const [note, setNoteState] = useState(() => sessionStorage.getItem(noteKey) ?? '');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const [dialog, setDialog] = useState<'resolve' | 'escalate' | null>(null);
  const pending = useRef<PendingStep | null>(null);
  const wasHandler = useRef(false);
  const handedOn = useRef(false);

  const result = res.data?.walkSession;
  const walk = result?.__typename === 'WalkSession' ? result : null;
  useDocumentTitle(walk ? walk.title : 'Walk');

  const setNote = (s: string) => {
    setNoteState(s);
    if (s) sessionStorage.setItem(noteKey, s);
    else sessionStorage.removeItem(noteKey);
  };

  if (walk && walk.handler.id === me.id && !handedOn.current) wasHandler.current = true;
  if (walk && walk.handler.id === me.id) handedOn.current = false;
  const isHandler = !!walk && walk.handler.id === me.id;
  const active = walk?.status === 'ACTIVE';
  const readOnly = !walk || !active || !isHandler;

  const send = useCallback(
    async (step: PendingStep, version: number) => {
      setBusy(true);
      setFailed(false);
      try {
        const r = await recordStep({
          sessionId: id,
          nodeId: step.nodeId,
          answer: step.answer,
          note: step.note.trim() || null,
          clientStepId: step.clientStepId,
          expectedVersion: version,
        });
        const v = r.data?.recordStep;
        if (!v && r.error) {
          // Transport failure: the step may or may not have landed; retrying with the same
          // clientStepId is safe either way.
          setFailed(true);
          toast.failure(failureFromError(r.error));
          return;
        }
        pending.current = null;
        if (v?.__typename === 'WalkSession') {
          setNoteState('');
          sessionStorage.removeItem(noteKey);
          return;
        }
        if (v) toast.failure(failureFromResult(v as ErrorLike));
        // Someone else changed or took the walk: show the live truth.
        refetch({ requestPolicy: 'network-only' });
      } finally {
        setBusy(false);
      }
    },
    [id, noteKey, recordStep, refetch, toast],
  );

  const answer = useCallback(
    (a: StepAnswer) => {
      if (!walk?.currentNode || readOnly || busy) return;
      const nodeId = walk.currentNode.id;
      const prev = pending.current;
      // The same click again after a failure reuses its clientStepId, so it cannot land twice.
      const step =
        prev && prev.nodeId === nodeId && prev.answer === a && prev.note === note
          ? prev
          : { nodeId, answer: a, note, clientStepId: newId() };
      pending.current = step;
      void send(step, walk.version);
    },
    [walk, readOnly, busy, note, send],
  );

  const retry = () => {
    if (pending.current && walk) void send(pending.current, walk.version);
  };

  // Keyboard: Y / N answer a question, Enter continues an instruction, R / E at the end.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey || dialog || isTyping(e.target)) return;
      const node = walk?.currentNode;
      if (!node || readOnly) return;
      const key = e.key.toLowerCase();
      if (node.kind === 'QUESTION' && (key === 'y' || key === '1')) answer('YES');
      else if (node.kind === 'QUESTION' && (key === 'n' || key === '2')) answer('NO');
      else if (node.kind === 'INSTRUCTION' && key === 'enter' && (e.target as HTMLElement | null)?.tagName !== 'BUTTON') answer('CONTINUE');
      else if (node.kind === 'RESOLUTION' && key === 'r') setDialog('resolve');
      else if (node.kind === 'ESCALATION' && key === 'e') setDialog('escalate');
      else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [walk, readOnly, dialog, answer]);

  if (!walk) {
    if (result && result.__typename !== 'WalkSession') {
      return (
        <div className="page page-narrow">
          <EmptyState title="Walk not found" icon="question">
            <p>{result.message}</p>
            <Link to="/l1" className="btn btn-secondary btn-sm">
              Back to dashboard
            </Link>
          </EmptyState>
        </div>
      );
    }
    if (res.error) {
      return (
        <div className="page page-narrow">
          <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        </div>
      );
    }
    return <Loading label="Loading walk…" />;
  }

  const doTakeOver = async () => {
    const r = await takeOver({ sessionId: walk.id, expectedVersion: walk.version });
    setConfirmTakeOver(false);
    if (unwrap(r.data?.takeOverWalk, r.error, 'WalkSession', toast.failure)) toast.success('You are handling this call now');
    else refetch({ requestPolicy: 'network-only' });
  };
  const doAskBack = async () => {
    const r = await askBack({ sessionId: walk.id });
    if (unwrap(r.data?.requestWalkBack, r.error, 'WalkSession', toast.failure))
      toast.success('Asked for the call back', `${walk.handler.name} can hand it back to you.`);
  };
  const doHandBack = async () => {
    const to = walk.takenFrom?.name ?? 'them';
    const r = await handBack({ sessionId: walk.id, toUserId: null });
    if (unwrap(r.data?.handBackWalk, r.error, 'WalkSession', toast.failure)) {
      // Given away, not taken: from here on this page shows me as a watcher.
      wasHandler.current = false;
      handedOn.current = true;
      toast.success('Call handed back', `${to} is handling it again.`);
    }
  };
  const doRelease = async () => {
    const r = await releaseWalk({ sessionId: walk.id });
    if (unwrap(r.data?.releaseWalk, r.error, 'WalkSession', toast.failure))
      toast.success('Handed off to the desk', 'A colleague can pick this call up; it stays yours until they do.');
  };

  const tookOverFromMe = !isHandler && (wasHandler.current || walk.createdBy.id === me.id);
  const canAskBack = !isHandler && walk.takenFrom?.id === me.id;
  // An idle call opens up for takeover while the page is open, with no event to say so.
  const mayTakeOver = walk.canTakeOver || (!!walk.takeOverOpensAt && now >= Date.parse(walk.takeOverOpensAt));
  const readOnlyReason = !active ? null : isHandler ? null : `${walk.handler.name} is handling this call — you are watching`;
  const node = walk.currentNode;
  const resolveDefaults = node?.kind === 'RESOLUTION' ? node.text : '';
  const escalateDefaults: EscalateValues =
    walk.kind === 'ADHOC'
      ? { category: 'NO_KB_AVAILABLE', reason: '' }
      : { category: 'FLOW_DID_NOT_HELP', reason: node?.kind === 'ESCALATION' ? node.text : '' };

  return (
    <div className="page walk-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/l1">Dashboard</Link>
        <span aria-hidden="true">/</span>
        <span>Walk</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>{walk.title}</h1>
          <p className="page-subtitle">
            <CustomerName name={walk.ticket?.customerName} /> · started {formatDateTime(walk.startedAt)} · {humanize(walk.kind)}
          </p>
        </div>
        <div className="page-actions">
          <StatusBadge status={walk.status} />
          {live.error && !live.data && (
            <Badge tone="amber" title="Live updates paused; the page shows the last known state">
              Offline
            </Badge>
          )}
          {active && <Watchers walk={walk} meId={me.id} />}
        </div>
      </header>

      {active && tookOverFromMe && (
        <div className="banner banner-warning takeover-banner" role="alert" data-testid="takeover-banner">
          <div>
            <strong>{walk.handler.name} took over this call.</strong> You can follow along; the controls are read-only.
            {canAskBack && walk.handBackRequestedAt && (
              <span className="banner-sub" data-testid="asked-back">
                {' '}
                You asked for it back; {walk.handler.name} can hand it to you.
              </span>
            )}
          </div>
          {canAskBack && !walk.handBackRequestedAt && (
            <button type="button" className="btn btn-secondary btn-sm" disabled={asking} onClick={() => void doAskBack()}>
              {asking ? 'Asking…' : 'Ask for the call back'}
            </button>
          )}
          {!canAskBack && mayTakeOver && (
            <button type="button" className="btn btn-secondary btn-sm" disabled={takingOver} onClick={() => setConfirmTakeOver(true)}>
              Take over
            </button>
          )}
        </div>
      )}
      {active && !isHandler && !tookOverFromMe && (
        <div className="banner banner-info takeover-banner" role="status" data-testid="watching-banner">
          <div>
            <strong>You are watching {walk.handler.name}’s call.</strong>{' '}
            {walk.kind === 'ADHOC' ? 'Notes appear here as they are saved.' : 'Steps appear here as they happen.'}
            {walk.releasedAt && (
              <span className="banner-sub" data-testid="handed-off">
                {' '}
                {walk.handler.name} handed it off to the desk: you can pick it up.
              </span>
            )}
            {!mayTakeOver && walk.takeOverBlockedReason && canUseL1Desk(me) && (
              <span className="banner-sub" data-testid="takeover-blocked">
                {' '}
                {walk.takeOverBlockedReason}
              </span>
            )}
          </div>
          {canUseL1Desk(me) && mayTakeOver && (
            <button type="button" className="btn btn-primary btn-sm" disabled={takingOver} onClick={() => setConfirmTakeOver(true)}>
              {takingOver ? 'Taking over…' : 'Take over'}
            </button>
          )}
        </div>
      )}
      {active && isHandler && walk.takenFrom && (
        <div
          className={`banner ${walk.handBackRequestedAt ? 'banner-warning' : 'banner-coverage'} handback-banner`}
          role={walk.handBackRequestedAt ? 'alert' : 'note'}
          data-testid="handback-banner"
        >
          <div>
            {walk.handBackRequestedAt ? (
              <>
                <strong>{walk.takenFrom.name} asked for this call back.</strong> Hand it back when you are done.
              </>
            ) : (
              <>You took this call over from {walk.takenFrom.name}. It stays yours until you hand it back.</>
            )}
          </div>
          <button
            type="button"
            className={`btn btn-sm ${walk.handBackRequestedAt ? 'btn-primary' : 'btn-secondary'}`}
            disabled={handingBack}
            onClick={() => void doHandBack()}
          >
            {handingBack ? 'Handing back…' : `Hand back to ${walk.takenFrom.name}`}
          </button>
        </div>
      )}
      {active && isHandler && walk.actingAs === 'l1_coverage' && (
        <div className="banner banner-coverage" role="note" data-testid="coverage-banner">
          <strong>You are covering the L1 desk.</strong> Your steps on this call are recorded as coverage.
        </div>
      )}
      {active && isHandler && walk.releasedAt && (
        <div className="banner banner-info" role="status" data-testid="released-banner">
          <div>
            <strong>You handed this call off to the desk.</strong> A colleague can pick it up; it stays yours until they do.
          </div>
        </div>
      )}

      <div className="walk-grid">
        <div className="stack-lg">
          <Outcome walk={walk} />
          {active &&
            (walk.kind === 'ADHOC' ? (
              <WalkNotes walk={walk} readOnly={readOnly} />
            ) : (
              <CurrentStep
                walk={walk}
                readOnly={readOnly}
                busy={busy}
                failed={failed}
                onAnswer={answer}
                onRetry={retry}
                onResolve={() => setDialog('resolve')}
                onEscalate={() => setDialog('escalate')}
                note={note}
                setNote={setNote}
                readOnlyReason={readOnlyReason}
              />
            ))}
          {walk.kind === 'ADHOC' && !active ? <WalkNotes walk={walk} readOnly /> : walk.kind !== 'ADHOC' && <Transcript walk={walk} />}
        </div>
        <aside className="stack-lg">
          <Card title="Ticket">
            <dl className="details">
              <dt>Customer</dt>
              <dd>{walk.ticket?.customerName ? <bdi>{walk.ticket.customerName}</bdi> : <span className="muted">Not given</span>}</dd>
              <dt>Contact</dt>
              <dd>{walk.ticket?.customerContact ? <bdi>{walk.ticket.customerContact}</bdi> : <span className="muted">Not given</span>}</dd>
              <dt>Problem</dt>
              <dd data-testid="ticket-problem">
                {walk.ticket?.problemStatement ? <ClampedText text={walk.ticket.problemStatement} lines={4} /> : '—'}
              </dd>
              <dt>Handler</dt>
              <dd>
                <span className="inline-person">
                  <Avatar name={walk.handler.name} seed={walk.handler.id} size="sm" />
                  {walk.handler.id === me.id ? 'You' : walk.handler.name}
                </span>
              </dd>
            </dl>
          </Card>
          {active && (
            <Card title="Finish the call">
              <div className="stack">
                <button type="button" className="btn btn-primary btn-block" disabled={readOnly} onClick={() => setDialog('resolve')}>
                  Resolve…
                </button>
                <button type="button" className="btn btn-secondary btn-block" disabled={readOnly} onClick={() => setDialog('escalate')}>
                  Escalate…
                </button>
                {isHandler && !walk.releasedAt && (
                  <button type="button" className="btn btn-ghost btn-block" disabled={releasing} onClick={() => void doRelease()}>
                    Hand off to the desk
                  </button>
                )}
                {readOnlyReason && (
                  <p className="muted small" data-testid="finish-readonly-reason">
                    {readOnlyReason}
                  </p>
                )}
                {walk.kind !== 'ADHOC' && (
                  <p className="muted small">
                    Keys: <Kbd>Y</Kbd> / <Kbd>N</Kbd> answer, <Kbd>Enter</Kbd> continues.
                  </p>
                )}
              </div>
            </Card>
          )}
        </aside>
      </div>
      <TakeOverDialog
        open={confirmTakeOver}
        handlerName={walk.handler.name}
        customer={walk.ticket?.customerName}
        coverer={usesCoverageBoard(me)}
        busy={takingOver}
        onConfirm={() => void doTakeOver()}
        onClose={() => setConfirmTakeOver(false)}
      />
      <ResolveDialog open={dialog === 'resolve'} onClose={() => setDialog(null)} walk={walk} defaultNotes={resolveDefaults} />
      <EscalateDialog
        key={`${dialog}-${node?.id}`}
        open={dialog === 'escalate'}
        onClose={() => setDialog(null)}
        walk={walk}
        defaults={escalateDefaults}
      />
    </div>
  );
}
