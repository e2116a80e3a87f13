import { GraphQLError } from 'graphql';
import type { KbDocument } from '../generated/prisma/client.ts';
import { category } from '../services/categories/catalogue.ts';
import { DuplicateKbDocumentError, NotFoundError, ValidationError } from '../services/errors.ts';
import * as documents from '../services/kb/documents.ts';
import * as reads from '../services/kb/reads.ts';
import { type KbSearchRow, search } from '../services/kb/search.ts';
import { builder } from './builder.ts';
import { ErrorInterface } from './errors.ts';
import { L1CategoryRef } from './l1-category.ts';
import { PageInfo } from './ticket.ts';

// The knowledge base (DESIGN §12): read by everyone on the desk (l1OrAbove), written by engineers,
// admins and owners (engineerOrAdmin).

export const KbFormatEnum = builder.enumType('KbFormat', {
  values: { MARKDOWN: { value: 'markdown' }, HTML: { value: 'html' }, TEXT: { value: 'text' } } as const,
});

const KbSourceEnum = builder.enumType('KbSource', {
  values: {
    UPLOAD: { value: 'upload' },
    PASTE: { value: 'paste' },
    IT_GLUE: { value: 'it_glue' },
    HUDU: { value: 'hudu' },
    MS_GRAPH: { value: 'ms_graph' },
  } as const,
});

const KbDocumentStatusEnum = builder.enumType('KbDocumentStatus', {
  values: { ACTIVE: { value: 'active' }, ARCHIVED: { value: 'archived' } } as const,
});

export const KbDocumentRef = builder.prismaObject('KbDocument', {
  authScopes: { l1OrAbove: true },
  description: 'An article of the account’s knowledge base, stored as normalised Markdown.',
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    body: t.exposeString('body', { description: 'Normalised Markdown (HTML originals are sanitised, then converted).' }),
    format: t.field({ type: KbFormatEnum, description: 'The format of the original.', resolve: (d) => d.format as 'markdown' }),
    source: t.field({ type: KbSourceEnum, resolve: (d) => d.source as 'upload' }),
    category: t.field({
      type: L1CategoryRef,
      nullable: true,
      description: 'The L1 category the article is filed under, if any.',
      resolve: (d) => (d.category ? (category(d.category) ?? null) : null),
    }),
    status: t.field({ type: KbDocumentStatusEnum, resolve: (d) => d.status as 'active' }),
    externalUrl: t.exposeString('externalUrl', { nullable: true, description: 'Connector documents only: the article upstream.' }),
    createdBy: t.relation('createdBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    chunks: t.relation('chunks', { query: { orderBy: { ordinal: 'asc' } }, description: 'In reading order.' }),
  }),
});

export const KbChunkRef = builder.prismaObject('KbChunk', {
  authScopes: { l1OrAbove: true },
  description: 'A section of an article under its headings: what search ranks and walks cite.',
  fields: (t) => ({
    id: t.exposeID('id'),
    ordinal: t.exposeInt('ordinal'),
    headingPath: t.exposeStringList('headingPath', { description: 'Headings above the section, outermost first.' }),
    text: t.exposeString('text'),
    // A search hit's chunk carries its document; elsewhere Prisma batches the lookups of one tick.
    document: t.field({
      type: KbDocumentRef,
      resolve: (c, _a, ctx) =>
        (c as { document?: KbDocument }).document ?? ctx.deps.prisma.kbDocument.findUniqueOrThrow({ where: { id: c.documentId } }),
    }),
  }),
});

export const KbSearchHitRef = builder.objectRef<KbSearchRow>('KbSearchHit').implement({
  fields: (t) => ({
    chunk: t.field({ type: KbChunkRef, resolve: (h) => h.chunk }),
    document: t.field({ type: KbDocumentRef, resolve: (h) => h.document }),
    score: t.exposeFloat('score', { description: 'Relevance in [0, 1].' }),
    snippet: t.exposeString('snippet', {
      description: 'An excerpt of the chunk; matched words are wrapped in literal <mark> and </mark>, and there is no other markup.',
    }),
  }),
});

type DocumentPage = Awaited<ReturnType<typeof reads.list>>;

const KbDocumentConnection = builder.objectRef<DocumentPage>('KbDocumentConnection').implement({
  fields: (t) => ({
    nodes: t.field({ type: [KbDocumentRef], resolve: (p) => p.nodes }),
    pageInfo: t.field({ type: PageInfo, resolve: (p) => p }),
    totalCount: t.int({ description: 'Documents matching the filter, on every page.', resolve: (p) => p.totalCount() }),
  }),
});

builder.objectType(DuplicateKbDocumentError, {
  name: 'DuplicateKbDocumentError',
  interfaces: [ErrorInterface],
  description: 'The same content is already an active article; nothing was stored.',
  fields: (t) => ({
    existingDocument: t.prismaField({
      type: 'KbDocument',
      resolve: (query, e, _a, ctx) => ctx.deps.prisma.kbDocument.findUniqueOrThrow({ ...query, where: { id: e.existing.id } }),
    }),
  }),
});

const KbFileStatusEnum = builder.enumType('KbFileStatus', {
  values: {
    IMPORTED: { value: 'imported' },
    DUPLICATE: { value: 'duplicate', description: 'Already in the knowledge base; `document` is the existing article.' },
    REJECTED: { value: 'rejected', description: 'Not imported; `message` says why.' },
  } as const,
});

const KbFileResultRef = builder.objectRef<documents.KbFileResult>('KbFileResult').implement({
  fields: (t) => ({
    fileName: t.exposeString('fileName'),
    status: t.field({ type: KbFileStatusEnum, resolve: (r) => r.status }),
    message: t.exposeString('message'),
    document: t.prismaField({
      type: 'KbDocument',
      nullable: true,
      resolve: (query, r, _a, ctx) =>
        r.documentId ? ctx.deps.prisma.kbDocument.findUnique({ ...query, where: { id: r.documentId } }) : null,
    }),
  }),
});

type DocumentPayload = { document: { id: string } };
const payload = (name: string) =>
  builder.objectRef<DocumentPayload>(name).implement({
    fields: (t) => ({ document: t.field({ type: KbDocumentRef, resolve: (p) => p.document as never }) }),
  });

builder.queryField('kbDocuments', (t) =>
  t.field({
    type: KbDocumentConnection,
    description: 'The knowledge base, newest first; `search` narrows it to titles and text matching the words.',
    authScopes: { l1OrAbove: true },
    args: {
      search: t.arg.string({ required: false }),
      first: t.arg.int({ required: false, defaultValue: 25 }),
      after: t.arg.string({ required: false }),
      includeArchived: t.arg.boolean({ required: false, defaultValue: false }),
    },
    resolve: async (_r, args, ctx) => {
      try {
        return await reads.list(ctx, {}, args);
      } catch (e) {
        if (e instanceof ValidationError) throw new GraphQLError(e.message, { extensions: { code: 'BAD_USER_INPUT' } });
        throw e;
      }
    },
  }),
);

builder.queryField('kbDocument', (t) =>
  t.prismaField({
    type: 'KbDocument',
    nullable: true,
    description: 'One article, archived ones included; null when there is no such article in this account.',
    authScopes: { l1OrAbove: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _r, args, ctx) => reads.get(ctx, query, String(args.id)),
  }),
);

builder.queryField('kbSearch', (t) =>
  t.field({
    type: [KbSearchHitRef],
    description: 'Sections of active articles matching a search (typos in titles forgiven), best first.',
    authScopes: { l1OrAbove: true },
    args: { query: t.arg.string({ required: true }), first: t.arg.int({ required: false, defaultValue: 10 }) },
    resolve: (_r, args, _ctx) => search(args.query, args.first ?? 10),
  }),
);

builder.mutationField('createKbDocument', (t) =>
  t.field({
    type: payload('CreateKbDocumentPayload'),
    description: 'Adds a pasted article. The same content twice is refused as a duplicate, naming the existing article.',
    authScopes: { engineerOrAdmin: true },
    args: {
      title: t.arg.string({ required: true }),
      body: t.arg.string({ required: true }),
      format: t.arg({ type: KbFormatEnum, required: false, defaultValue: 'markdown' }),
      category: t.arg.string({ required: false, description: 'An L1 category key.' }),
    },
    errors: { types: [ValidationError, DuplicateKbDocumentError] },
    resolve: (_r, args, ctx) => documents.create(ctx, {}, args),
  }),
);

builder.mutationField('importKbFiles', (t) =>
  t.field({
    type: builder.objectRef<{ results: documents.KbFileResult[] }>('ImportKbFilesPayload').implement({
      fields: (f) => ({ results: f.field({ type: [KbFileResultRef], description: 'One per file, in order.', resolve: (p) => p.results }) }),
    }),
    description:
      'Imports .md, .markdown, .html, .htm and .txt files (5 MB each, 20 at a time) as a GraphQL multipart request. A file refused or already there stores nothing; the others still import.',
    authScopes: { engineerOrAdmin: true },
    args: { files: t.arg({ type: ['File'], required: true }) },
    errors: { types: [ValidationError] },
    resolve: async (_r, args, ctx) => ({
      results: await documents.importFiles(
        ctx,
        args.files.map((f) => ({ name: f.name, size: f.size, bytes: async () => new Uint8Array(await f.arrayBuffer()) })),
      ),
    }),
  }),
);

builder.mutationField('updateKbDocument', (t) =>
  t.field({
    type: payload('UpdateKbDocumentPayload'),
    description: 'Changes an article; a new title or body re-chunks it. Leave a field out to keep it; category "" clears it.',
    authScopes: { engineerOrAdmin: true },
    args: {
      id: t.arg.id({ required: true }),
      title: t.arg.string({ required: false }),
      body: t.arg.string({ required: false }),
      format: t.arg({ type: KbFormatEnum, required: false }),
      category: t.arg.string({ required: false }),
    },
    errors: { types: [ValidationError, NotFoundError, DuplicateKbDocumentError] },
    resolve: (_r, args, ctx) => documents.update(ctx, {}, { ...args, id: String(args.id) }),
  }),
);

builder.mutationField('archiveKbDocument', (t) =>
  t.field({
    type: payload('ArchiveKbDocumentPayload'),
    description: 'Hides an article from search and intake. It stays readable by id, since walks cite its sections.',
    authScopes: { engineerOrAdmin: true },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: (_r, args, ctx) => documents.archive(ctx, {}, { id: String(args.id) }),
  }),
);
