import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Caller } from '../caller.ts';
import { sql } from '../../db/tenant.ts';
import { audit } from '../audit/audit.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { LRUCache } from 'lru-cache';
import { type FlowNode, LIMITS, type NodeInput, normaliseNodes } from './graph.ts';
import { publishableTree, submittedNodes, treeIssues } from './tree.ts';
import { requireUser } from '../identity/principal.ts';
import { scopesFor } from '../identity/scopes.ts';
import { filterText, likeLiteral, parse, text, uuid } from '../validation.ts';

// Input schemas are built once: zod compiles each on its first parse.
const flowIdInput = z.object({ flowId: uuid });

type Query = { include?: object; select?: object };

/**
 * Published versions never change, so their parsed node maps are cached by version id for every
 * request. Only ids that came out of an RLS-protected read are ever looked up here.
 */
const versionCache = new LRUCache<string, Map<string, FlowNode>>({ max: 2000 });

export async function versionNodes(versionId: string): Promise<Map<string, FlowNode>> {
  const hit = versionCache.get(versionId);
  if (hit) return hit;
  const { rows } = await sql<{ nodes: FlowNode[] }>('SELECT nodes FROM flow_versions WHERE id = $1', [versionId]);
  if (!rows[0]) throw new NotFoundError('Flow version');
  const nodes = new Map(rows[0].nodes.map((n) => [n.id, n]));
  versionCache.set(versionId, nodes);
  return nodes;
}

const createInput = z.object({ title: text(200, 1), description: text(2000).optional().nullable() });

export async function create(ctx: Caller, input: { title: string; description?: string | null }) {
  const p = requireUser(ctx);
  const v = parse(createInput, input);
  const flow = await ctx.deps.prisma.flow.create({
    data: { accountId: p.accountId, title: v.title, description: v.description ?? '', createdById: p.userId },
  });
  await audit(ctx, { action: 'flow.create', entityType: 'flow', entityId: flow.id, payload: { title: v.title } });
  return flow;
}

async function lockFlow(flowId: string) {
  const { rows } = await sql<{
    id: string;
    status: string;
    latest_version_no: number;
    latest_version_id: string | null;
    draft_nodes: FlowNode[];
    draft_root_node_id: string | null;
    title: string;
  }>(
    'SELECT id, status, latest_version_no, latest_version_id, draft_nodes, draft_root_node_id, title FROM flows WHERE id = $1 FOR UPDATE',
    [flowId],
  );
  if (!rows[0]) throw new NotFoundError('Flow');
  return rows[0];
}

const draftInput = z.object({
  flowId: uuid,
  nodes: submittedNodes,
  rootNodeId: text(LIMITS.idLength).nullable().optional(),
  title: text(200, 1).optional().nullable(),
  description: text(2000).optional().nullable(),
});

/** Saves the editor's draft as is (drafts may be incomplete); publishing checks the graph. */
export async function saveDraft(
  ctx: Caller,
  input: { flowId: string; nodes: NodeInput[]; rootNodeId?: string | null; title?: string | null; description?: string | null },
) {
  const v = parse(draftInput, input);
  const flow = await lockFlow(v.flowId);
  if (flow.status === 'archived') throw ValidationError.of('flowId', 'This flow was archived; it can no longer be edited.');
  const nodes = normaliseNodes(v.nodes);
  return ctx.deps.prisma.flow.update({
    where: { id: v.flowId },
    data: {
      draftNodes: nodes,
      draftRootNodeId: v.rootNodeId?.trim() || null,
      ...(v.title ? { title: v.title } : {}),
      ...(v.description != null ? { description: v.description } : {}),
    },
  });
}

/** Validates the draft and publishes it as the next immutable version. */
export async function publish(ctx: Caller, input: { flowId: string }) {
  requireUser(ctx);
  const { flowId } = parse(flowIdInput, input);
  const flow = await lockFlow(flowId);
  if (flow.status === 'archived') throw ValidationError.of('flowId', 'This flow was archived; it can no longer be published.');
  const tree = publishableTree(flow.draft_nodes as NodeInput[], flow.draft_root_node_id);
  const updated = await publishVersion(
    ctx,
    { id: flowId, latestVersionNo: flow.latest_version_no, latestVersionId: flow.latest_version_id },
    tree,
    ctx.deps.clock.now(),
  );
  await audit(ctx, {
    action: 'flow.publish',
    entityType: 'flow',
    entityId: flowId,
    payload: { version: updated.latestVersionNo, nodes: tree.nodes.length },
  });
  return updated;
}

/**
 * A checked tree (publishableTree) becomes the flow's next immutable version, the one new walks
 * pin. The one way a version is published: the editor's Publish and an approved proposal both
 * come here, with the flow row locked or just created.
 */
export async function publishVersion(
  ctx: Caller,
  flow: { id: string; latestVersionNo: number; latestVersionId: string | null },
  tree: { nodes: FlowNode[]; rootNodeId: string },
  at: Date,
) {
  const p = requireUser(ctx);
  const { prisma } = ctx.deps;
  if (flow.latestVersionId) {
    // A second identical version would only add a row to the history and a walk pinned to it
    // would look different from one pinned to its twin: refuse, naming the version it matches.
    const { rows } = await sql<{ nodes: unknown; root_node_id: string }>('SELECT nodes, root_node_id FROM flow_versions WHERE id = $1', [
      flow.latestVersionId,
    ]);
    const latest = rows[0];
    // As stored (jsonb drops undefined keys and orders keys its own way; the comparison ignores order).
    if (latest && latest.root_node_id === tree.rootNodeId && isDeepStrictEqual(latest.nodes, JSON.parse(JSON.stringify(tree.nodes)))) {
      throw new ConflictError(
        'nothing_changed',
        `Nothing changed since version ${flow.latestVersionNo}: edit the draft before publishing it again.`,
        flow.latestVersionNo,
      );
    }
  }
  const version = flow.latestVersionNo + 1;
  const v = await prisma.flowVersion.create({
    data: {
      accountId: p.accountId,
      flowId: flow.id,
      version,
      nodes: tree.nodes,
      rootNodeId: tree.rootNodeId,
      publishedById: p.userId,
      publishedAt: at,
    },
  });
  return prisma.flow.update({
    where: { id: flow.id },
    data: { status: 'published', latestVersionId: v.id, latestVersionNo: version },
  });
}

export async function archive(ctx: Caller, input: { flowId: string }) {
  const { flowId } = parse(flowIdInput, input);
  const flow = await lockFlow(flowId);
  if (flow.status === 'archived') return ctx.deps.prisma.flow.findUniqueOrThrow({ where: { id: flowId } });
  const updated = await ctx.deps.prisma.flow.update({
    where: { id: flowId },
    data: { status: 'archived', archivedAt: ctx.deps.clock.now() },
  });
  // Walks already on it keep their pinned version.
  await audit(ctx, { action: 'flow.archive', entityType: 'flow', entityId: flowId, payload: { title: flow.title } });
  return updated;
}

/** Engineers and admins see drafts and archived flows too; L1s see what they can walk. */
export async function list(ctx: Caller, query: Query, f: { status?: string | null; search?: string | null }) {
  const author = scopesFor(ctx.principal).engineerOrAdmin;
  const search = filterText(f.search);
  return ctx.deps.prisma.flow.findMany({
    ...query,
    where: {
      ...(author ? (f.status ? { status: f.status } : {}) : { status: 'published' }),
      ...(search ? { title: { contains: likeLiteral(search), mode: 'insensitive' as const } } : {}),
    },
    orderBy: [{ title: 'asc' }, { id: 'asc' }],
    take: 200,
  });
}

export async function get(ctx: Caller, query: Query, input: { flowId: string }) {
  const { flowId } = parse(flowIdInput, input);
  const author = scopesFor(ctx.principal).engineerOrAdmin;
  const flow = await ctx.deps.prisma.flow.findUnique({ ...query, where: { id: flowId } });
  if (!flow || (!author && flow.status !== 'published')) throw new NotFoundError('Flow');
  return flow;
}

export function draftIssues(flow: { draftNodes: unknown; draftRootNodeId: string | null }) {
  return treeIssues(flow.draftNodes, flow.draftRootNodeId);
}
