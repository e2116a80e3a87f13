import * as audit from '../services/audit/audit.ts';
import { loaders } from '../services/loaders.ts';
import { builder } from './builder.ts';

const AuditSubject = builder.objectRef<audit.AuditSubject>('AuditSubject').implement({
  description: 'What an audit entry acted on, by the name people know it by.',
  fields: (t) => ({
    type: t.exposeString('type', { description: 'user, invite, api_token, flow, proposal, ticket, walk_session, kb_document or account' }),
    id: t.exposeID('id'),
    name: t.exposeString('name'),
  }),
});

builder.prismaObject('AuditLog', {
  name: 'AuditLogEntry',
  authScopes: { accountManager: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    action: t.exposeString('action'),
    actor: t.relation('actor', { nullable: true }),
    actorKind: t.exposeString('actorKind', { description: 'user, system or api_token' }),
    entityType: t.exposeString('entityType', { nullable: true }),
    entityId: t.exposeString('entityId', { nullable: true }),
    actingAs: t.exposeString('actingAs', {
      nullable: true,
      description: '"l1_coverage" when an engineer covering the L1 desk (canCoverL1) acted on it; null for L1 techs, owners and admins.',
    }),
    payload: t.expose('payload', { type: 'JSON' }),
    subject: t.field({
      type: AuditSubject,
      nullable: true,
      description: 'The member, invite, flow, call… acted on, by name; null when it no longer exists.',
      resolve: (e) => audit.subject(e.entityType, e.entityId),
    }),
    relatedUser: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'Another person the entry names: whom a call was taken over from, who joined through an invite.',
      resolve: (_q, e, _a, ctx) => {
        const id = audit.relatedUserId(e.action, e.payload);
        return id ? loaders(ctx).user.load(id) : null;
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('auditLog', (t) =>
  t.prismaField({
    type: ['AuditLog'],
    description: 'Newest first. `actingAs: "none"` lists actions taken outside coverage.',
    authScopes: { accountManager: true },
    args: {
      action: t.arg.string({ required: false }),
      actingAs: t.arg.string({ required: false }),
      before: t.arg({ type: 'DateTime', required: false }),
      first: t.arg.int({ required: false, defaultValue: 50 }),
    },
    resolve: (query, _r, args, ctx) => audit.list(ctx, query, args),
  }),
);
