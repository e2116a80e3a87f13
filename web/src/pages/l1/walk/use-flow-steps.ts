import { useCallback, useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { useToast } from '../../../components/toasts.tsx';
import { graphql } from '../../../gql/index.ts';
import type { StepAnswer } from '../../../gql/graphql.ts';
import { type ErrorLike, failureFromError, failureFromResult } from '../../../lib/errors.ts';
import type { Walk } from './session.ts';

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

export type WalkDialog = 'resolve' | 'escalate' | null;

/**
 * The guided walk (a published flow, a proposal or an AI-built draft): answering the current step
 * with its note, retrying a failed save with the same clientStepId, and the keyboard shortcuts.
 */
export function useFlowSteps({
  id,
  walk,
  readOnly,
  dialog,
  setDialog,
  refetch,
}: {
  id: string;
  walk: Walk | null;
  readOnly: boolean;
  dialog: WalkDialog;
  setDialog: (d: WalkDialog) => void;
  refetch: (opts: { requestPolicy: 'network-only' }) => void;
}) {
  const toast = useToast();
  const [, recordStep] = useMutation(RecordStepDoc);
  const noteKey = `l1.walk-note.${id}`;
  const [note, setNoteState] = useState(() => sessionStorage.getItem(noteKey) ?? '');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const pending = useRef<PendingStep | null>(null);

  const setNote = (s: string) => {
    setNoteState(s);
    if (s) sessionStorage.setItem(noteKey, s);
    else sessionStorage.removeItem(noteKey);
  };
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
  }, [walk, readOnly, dialog, answer, setDialog]);

  return { note, setNote, busy, failed, answer, retry };
}
