import { type GraphQLFieldResolver, type GraphQLSchema, Kind } from 'graphql';
import type { Context } from './context.ts';
import { maybeTx, unitOfWork } from '../db/tenant.ts';
import { isAppError } from '../services/errors.ts';
import { builder } from './builder.ts';
import './errors.ts';
import './account.ts';
import './user.ts';
import './session.ts';
import './seats.ts';
import './invite.ts';
import './api-token.ts';
import './audit-log.ts';
import './flow.ts';
import './proposal.ts';
import './ticket.ts';
import './walk.ts';
import './intake.ts';
import './takeover.ts';
import './escalation.ts';
import './active-walks.ts';
import './ticket-walks.ts';
import './notification.ts';
import './l1-category.ts';
import './kb.ts';

/**
 * A result-union member. The errors plugin hands a resolved error back inside a Proxy whose
 * prototype chain is proxied too, so `instanceof AppError` is false for it: it is known by the
 * plugin's unwrap hook, which only those proxies answer.
 */
const UNWRAP = Symbol.for('Pothos.unwrapErrors');
const isTypedError = (r: unknown): boolean =>
  isAppError(r) || (typeof r === 'object' && r !== null && typeof (r as Record<symbol, unknown>)[UNWRAP] === 'function');

/**
 * Every root mutation field is its own unit of work (db/unit-of-work.ts, README "Atomicity"): a
 * typed error or a thrown one undoes that field's writes and no other's; a success stands, whatever
 * happens while its payload is read.
 */
function makeMutationsAtomic(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  for (const field of Object.values(mutation.getFields())) {
    const inner = field.resolve as GraphQLFieldResolver<unknown, Context>;
    field.resolve = (root, args, ctx: Context, info) => {
      if (!maybeTx()) return inner(root, args, ctx, info);
      const run = () => inner(root, args, ctx, info) as unknown;
      return unitOfWork(String(info.path.key), ctx.mutationRootFields > 1, run, isTypedError);
    };
  }
  return schema;
}

export function countRootFields(selections: readonly { kind: Kind }[]): number {
  // Fragments at the root could hide several fields: count them as "many".
  return selections.every((s) => s.kind === Kind.FIELD) ? selections.length : Number.POSITIVE_INFINITY;
}

export const schema = makeMutationsAtomic(builder.toSchema({ sortSchema: true }));
