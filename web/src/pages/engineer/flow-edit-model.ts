import type { FlowEditor_FlowFragment, FlowNodeKind } from '../../gql/graphql.ts';

export interface EditNode {
  id: string;
  kind: FlowNodeKind;
  text: string;
  yesLabel: string;
  noLabel: string;
  yesNext: string;
  noNext: string;
  next: string;
}

export type Issue = { path: readonly string[]; message: string };

export const KINDS: Array<{ value: FlowNodeKind; label: string }> = [
  { value: 'QUESTION', label: 'Question' },
  { value: 'INSTRUCTION', label: 'Instruction' },
  { value: 'RESOLUTION', label: 'Resolution (end)' },
  { value: 'ESCALATION', label: 'Escalation (end)' },
];

export function fromServer(flow: FlowEditor_FlowFragment): EditNode[] {
  return (flow.draftNodes ?? []).map((n) => ({
    id: n.id,
    kind: n.kind,
    text: n.text,
    yesLabel: n.yesLabel ?? '',
    noLabel: n.noLabel ?? '',
    yesNext: n.yesNext ?? '',
    noNext: n.noNext ?? '',
    next: n.next ?? '',
  }));
}

export function toInput(n: EditNode) {
  const base = { id: n.id, kind: n.kind, text: n.text };
  if (n.kind === 'QUESTION')
    return { ...base, yesLabel: n.yesLabel, noLabel: n.noLabel, yesNext: n.yesNext || null, noNext: n.noNext || null };
  if (n.kind === 'INSTRUCTION') return { ...base, next: n.next || null };
  return base;
}

export function nextId(nodes: EditNode[]): string {
  let i = nodes.length + 1;
  while (nodes.some((n) => n.id === `step-${i}`)) i++;
  return `step-${i}`;
}
