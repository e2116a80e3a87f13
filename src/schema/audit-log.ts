import * as audit from '../services/audit.ts';
import { builder } from './builder.ts';

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
    actingAs: t.exposeString('actingAs', { nullable: true, description: '"l1_coverage" when an engineer covering the L1 desk (canCoverL1) acted on it; null for L1 techs, owners and admins.' }),
    payload: t.expose('payload', { type: 'JSON' }),
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
