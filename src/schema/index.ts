import { type GraphQLFieldResolver, type GraphQLSchema, Kind } from 'graphql';
import type { Context } from './context.ts';
import { currentTx, maybeTx, savepoint } from '../db/tenant.ts';
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

/**
 * Every mutation field is atomic: when it ends in an expected error (a result-union member such as
 * ConflictError), whatever it wrote is undone. With a single root field the whole transaction
 * rolls back (no extra round trip); with several, each field runs in a savepoint.
 */
function makeMutationsAtomic(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  for (const field of Object.values(mutation.getFields())) {
    const inner = field.resolve as GraphQLFieldResolver<unknown, Context>;
    field.resolve = async (root, args, ctx: Context, info) => {
      if (!maybeTx()) return inner(root, args, ctx, info);
      if (ctx.mutationRootFields <= 1) {
        const result = await inner(root, args, ctx, info);
        if (isAppError(result) && !currentTx().keepWritesOnError) currentTx().rollbackOnly = true;
        return result;
      }
      try {
        return await savepoint(async () => {
          const result = await inner(root, args, ctx, info);
          if (isAppError(result) && !currentTx().keepWritesOnError) throw new ExpectedFailure(result);
          return result;
        });
      } catch (err) {
        if (err instanceof ExpectedFailure) return err.result;
        throw err;
      }
    };
  }
  return schema;
}

class ExpectedFailure extends Error {
  constructor(readonly result: unknown) {
    super('expected failure');
  }
}

export function countRootFields(selections: readonly { kind: Kind }[]): number {
  // Fragments at the root could hide several fields: count them as "many".
  return selections.every((s) => s.kind === Kind.FIELD) ? selections.length : Number.POSITIVE_INFINITY;
}

export const schema = makeMutationsAtomic(builder.toSchema({ sortSchema: true }));
