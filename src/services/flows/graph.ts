import { z } from 'zod';
import type { Issue } from '../errors.ts';

/**
 * Decision trees: node shapes, validation before publishing, and stepping. Pure functions; the
 * walk service uses them against the version a walk pinned.
 */

export const LIMITS = {
  maxNodes: 500,
  idLength: 100,
  textLength: 2000,
  labelLength: 60,
};

export type QuestionNode = {
  id: string;
  kind: 'question';
  text: string;
  yesLabel: string;
  noLabel: string;
  yesNext: string;
  noNext: string;
};
export type InstructionNode = { id: string; kind: 'instruction'; text: string; next: string };
export type TerminalNode = { id: string; kind: 'resolution' | 'escalation'; text: string };
export type FlowNode = QuestionNode | InstructionNode | TerminalNode;
export const ANSWERS = ['yes', 'no', 'continue'] as const;
export type Answer = (typeof ANSWERS)[number];

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** Shape only (types, lengths); the graph rules are checked by validateGraph. */
const nodeShape = z.object({
  id: z.string(),
  kind: z.enum(['question', 'instruction', 'resolution', 'escalation']),
  text: z.string(),
  yesLabel: z.string().optional().nullable(),
  noLabel: z.string().optional().nullable(),
  yesNext: z.string().optional().nullable(),
  noNext: z.string().optional().nullable(),
  next: z.string().optional().nullable(),
});
export type NodeInput = z.infer<typeof nodeShape>;

/** Normalise editor input into typed nodes, keeping only the fields each kind uses. */
export function normaliseNodes(input: NodeInput[]): FlowNode[] {
  return input.map((n): FlowNode => {
    const base = { id: n.id.trim(), text: n.text.trim() };
    switch (n.kind) {
      case 'question':
        return {
          ...base,
          kind: 'question',
          yesLabel: (n.yesLabel ?? '').trim(),
          noLabel: (n.noLabel ?? '').trim(),
          yesNext: (n.yesNext ?? '').trim(),
          noNext: (n.noNext ?? '').trim(),
        };
      case 'instruction':
        return { ...base, kind: 'instruction', next: (n.next ?? '').trim() };
      default:
        return { ...base, kind: n.kind };
    }
  });
}

export function successors(n: FlowNode): string[] {
  if (n.kind === 'question') return [n.yesNext, n.noNext];
  if (n.kind === 'instruction') return [n.next];
  return [];
}

/**
 * Everything that stops a tree from being published, each issue naming its node:
 * duplicate or malformed ids, missing text or labels, equal labels, dangling pointers,
 * unreachable nodes, cycles, no terminal node, too many nodes, text over its cap.
 */
export function validateGraph(nodes: FlowNode[], rootNodeId: string | null | undefined): Issue[] {
  const issues: Issue[] = [];
  const at = (id: string, field: string, message: string) => issues.push({ path: ['nodes', id, field], message });

  if (nodes.length === 0) issues.push({ path: ['nodes'], message: 'Add at least one step to the flow.' });
  if (nodes.length > LIMITS.maxNodes) {
    issues.push({
      path: ['nodes'],
      message: `A flow can have at most ${LIMITS.maxNodes} steps; this one has ${nodes.length}. Split it into smaller flows.`,
    });
    return issues;
  }
  const byId = new Map<string, FlowNode>();
  for (const [i, n] of nodes.entries()) {
    const label = n.id || `#${i + 1}`;
    if (!n.id) at(label, 'id', 'This step needs an id.');
    else if (n.id.length > LIMITS.idLength) at(label, 'id', `This step’s id is too long (at most ${LIMITS.idLength} characters).`);
    else if (!NODE_ID.test(n.id)) at(label, 'id', 'A step id may use only letters, digits and _ . : -');
    if (n.id && byId.has(n.id)) at(label, 'id', `Another step already uses the id “${n.id}”.`);
    if (n.id) byId.set(n.id, n);
    if (!n.text) at(label, 'text', 'Write the text of this step.');
    if (n.text.length > LIMITS.textLength) at(label, 'text', `This step’s text is too long (at most ${LIMITS.textLength} characters).`);
    if (n.kind === 'question') {
      for (const f of ['yesLabel', 'noLabel'] as const) {
        const which = f === 'yesLabel' ? 'Yes' : 'No';
        if (!n[f]) at(label, f, `Give the ${which} answer a label (the button the technician presses).`);
        else if (n[f].length > LIMITS.labelLength)
          at(label, f, `The ${which} answer’s label is too long (at most ${LIMITS.labelLength} characters).`);
      }
      if (n.yesLabel && n.noLabel && n.yesLabel.toLowerCase() === n.noLabel.toLowerCase()) {
        at(label, 'noLabel', 'The two answers need different labels, or the technician cannot tell them apart.');
      }
    }
  }
  for (const n of nodes) {
    const fields: Array<[string, string]> =
      n.kind === 'question'
        ? [
            ['yesNext', n.yesNext],
            ['noNext', n.noNext],
          ]
        : n.kind === 'instruction'
          ? [['next', n.next]]
          : [];
    for (const [f, target] of fields) {
      const answer = f === 'yesNext' ? 'The Yes answer' : f === 'noNext' ? 'The No answer' : 'This step';
      if (!target) at(n.id, f, `${answer} does not lead anywhere yet; choose the next step.`);
      else if (!byId.has(target)) at(n.id, f, `${answer} leads to a step that does not exist (“${target}”).`);
      else if (target === n.id) at(n.id, f, `${answer} leads back to this same step.`);
    }
  }
  if (!rootNodeId) issues.push({ path: ['rootNodeId'], message: 'Choose the first step of the flow.' });
  else if (!byId.has(rootNodeId)) issues.push({ path: ['rootNodeId'], message: `The first step (“${rootNodeId}”) does not exist.` });
  if (![...byId.values()].some((n) => n.kind === 'resolution' || n.kind === 'escalation')) {
    issues.push({ path: ['nodes'], message: 'A flow must end somewhere: add at least one resolution or escalation step.' });
  }
  if (issues.length || !rootNodeId) return issues;

  // Reachability and cycles in one iterative DFS (no recursion: 500 nodes deep must not overflow).
  const state = new Map<string, 1 | 2>();
  const reported = new Set<string>();
  const stack: Array<{ id: string; i: number }> = [{ id: rootNodeId, i: 0 }];
  state.set(rootNodeId, 1);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const next = successors(byId.get(top.id)!);
    if (top.i < next.length) {
      const child = next[top.i++]!;
      const s = state.get(child);
      if (s === 1) {
        if (!reported.has(top.id)) {
          reported.add(top.id);
          at(top.id, 'next', `This leads back to an earlier step (“${child}”), so a walk could loop forever.`);
        }
      } else if (!s) {
        state.set(child, 1);
        stack.push({ id: child, i: 0 });
      }
    } else {
      state.set(top.id, 2);
      stack.pop();
    }
  }
  for (const n of nodes) if (!state.has(n.id)) at(n.id, 'id', 'No answer leads to this step from the first step.');
  return issues;
}

export type StepResolution =
  | { ok: true; nextNodeId: string | null; answerLabel: string; question: string; yesLabel: string | null; noLabel: string | null }
  | { ok: false; message: string };

/** What an answer at a node means: the label shown, and where the walk goes next. */
export function resolveStep(node: FlowNode, answer: Answer): StepResolution {
  if (node.kind === 'question') {
    if (answer === 'continue') return { ok: false, message: 'This step is a question: answer it with one of its two buttons.' };
    return {
      ok: true,
      nextNodeId: answer === 'yes' ? node.yesNext : node.noNext,
      answerLabel: answer === 'yes' ? node.yesLabel : node.noLabel,
      question: node.text,
      yesLabel: node.yesLabel,
      noLabel: node.noLabel,
    };
  }
  if (node.kind === 'instruction') {
    if (answer !== 'continue') return { ok: false, message: 'This step is an instruction: press Continue when it is done.' };
    return { ok: true, nextNodeId: node.next, answerLabel: 'Continue', question: node.text, yesLabel: null, noLabel: null };
  }
  return { ok: false, message: 'This step ends the flow: resolve or escalate the call instead.' };
}

export const nodeInputSchema = nodeShape;
