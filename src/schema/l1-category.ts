import * as categories from '../services/categories/categories.ts';
import type { L1Category } from '../services/categories/catalogue.ts';
import { ValidationError } from '../services/errors.ts';
import { builder } from './builder.ts';

export const L1CategoryRef = builder.objectRef<L1Category>('L1Category').implement({
  description: 'A kind of call the L1 desk may take (DESIGN §13).',
  fields: (t) => ({
    key: t.exposeString('key'),
    label: t.exposeString('label'),
    description: t.exposeString('description'),
  }),
});

const L1CategoriesRef = builder.objectRef<categories.L1CategoriesView>('L1Categories').implement({
  fields: (t) => ({
    enabled: t.field({ type: [L1CategoryRef], description: 'What this account’s L1 desk takes.', resolve: (v) => v.enabled }),
    available: t.field({ type: [L1CategoryRef], description: 'Every category that may be enabled.', resolve: (v) => v.available }),
    hardFloor: t.field({
      type: [L1CategoryRef],
      description: 'Never enabled for L1, whatever is sent: these calls always go to an engineer.',
      resolve: (v) => v.hardFloor,
    }),
  }),
});

const DroppedCategoryRef = builder.objectRef<categories.DroppedCategory>('DroppedL1Category').implement({
  fields: (t) => ({ key: t.exposeString('key'), reason: t.exposeString('reason') }),
});

const SetL1CategoriesPayload = builder
  .objectRef<{ categories: categories.L1CategoriesView; dropped: categories.DroppedCategory[] }>('SetL1CategoriesPayload')
  .implement({
    fields: (t) => ({
      categories: t.field({ type: L1CategoriesRef, resolve: (p) => p.categories }),
      dropped: t.field({
        type: [DroppedCategoryRef],
        description: 'Keys that were sent but not stored (not a category, or on the hard floor), and why.',
        resolve: (p) => p.dropped,
      }),
    }),
  });

builder.queryField('l1Categories', (t) =>
  t.field({
    type: L1CategoriesRef,
    description: 'The kinds of call the account’s L1 desk takes; intake refuses the rest.',
    authScopes: { accountManager: true },
    resolve: (_r, _a, ctx) => categories.current(ctx),
  }),
);

builder.mutationField('setL1Categories', (t) =>
  t.field({
    type: SetL1CategoriesPayload,
    description: 'Owner or admin: the categories the L1 desk takes. Unknown and hard-floor keys are dropped, and the answer says which.',
    authScopes: { accountManager: true },
    args: { keys: t.arg.stringList({ required: true }) },
    errors: { types: [ValidationError] },
    resolve: (_r, args, ctx) => categories.set(ctx, { keys: args.keys }),
  }),
);
