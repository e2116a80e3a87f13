import { z } from 'zod';
import { type Issue, ValidationError } from '../errors.ts';
import { type FlowNode, LIMITS, nodeInputSchema, type NodeInput, normaliseNodes, validateGraph } from './graph.ts';
import { text } from '../validation.ts';

/**
 * A tree as an editor submits it, for a flow's draft or a proposal alike: each field's type and
 * length, and the node count. A draft may still be incomplete, so the graph rules wait for
 * publishing (publishableTree).
 */
export const submittedNodes = z
  .array(
    nodeInputSchema.extend({
      id: text(LIMITS.idLength),
      text: text(LIMITS.textLength),
      yesLabel: text(LIMITS.labelLength).optional().nullable(),
      noLabel: text(LIMITS.labelLength).optional().nullable(),
      yesNext: text(LIMITS.idLength).optional().nullable(),
      noNext: text(LIMITS.idLength).optional().nullable(),
      next: text(LIMITS.idLength).optional().nullable(),
    }),
  )
  .max(LIMITS.maxNodes, `a flow may have at most ${LIMITS.maxNodes} nodes`);

/** Everything that stops a saved tree from being published, as the editor lists it (none: it can be). */
export function treeIssues(nodes: unknown, rootNodeId: string | null): Issue[] {
  return validateGraph(normaliseNodes((nodes ?? []) as NodeInput[]), rootNodeId);
}

/**
 * A saved tree, normalised, once it passes every rule a published flow must meet; otherwise a
 * ValidationError naming each issue. Both ways to publish (a flow's draft, an approved proposal)
 * check here.
 */
export function publishableTree(nodes: NodeInput[], rootNodeId: string | null): { nodes: FlowNode[]; rootNodeId: string } {
  const normalised = normaliseNodes(nodes);
  const issues = validateGraph(normalised, rootNodeId);
  // validateGraph refuses a missing first step, so a tree without issues has one.
  if (issues.length || !rootNodeId) throw new ValidationError(issues);
  return { nodes: normalised, rootNodeId };
}
