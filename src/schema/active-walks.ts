import * as live from '../services/live/live.ts';
import { builder } from './builder.ts';
import { resubscribeError, WalkSessionRef } from './walk.ts';

// The coverage board's feed: every walk of the account as it starts, steps, changes hands and ends.

const WalkChangeEnum = builder.enumType('WalkChange', {
  values: {
    STARTED: { value: 'started' },
    STEPPED: { value: 'stepped' },
    NOTES: { value: 'notes' },
    HANDOVER: { value: 'handover' },
    RELEASED: { value: 'released', description: 'Handed off to the desk by its handler.' },
    HANDBACK_REQUESTED: { value: 'handback_requested', description: 'The technician it was taken from asked for it back.' },
    RESOLVED: { value: 'resolved' },
    ESCALATED: { value: 'escalated' },
    ABANDONED: { value: 'abandoned' },
  } as const,
});

const ActiveWalkEvent = builder.objectRef<live.FeedEvent>('ActiveWalkEvent').implement({
  description: 'A change on the coverage board.',
  fields: (t) => ({
    change: t.field({ type: WalkChangeEnum, resolve: (e) => e.change }),
    session: t.field({ type: WalkSessionRef, resolve: (e) => e.session }),
  }),
});

builder.subscriptionField('activeWalks', (t) =>
  t.field({
    type: ActiveWalkEvent,
    description: 'The account’s walks as they start, step, change hands and end.',
    authScopes: { l1OrCoverage: true },
    subscribe: (_r, _a, ctx) => live.liveAccountWalks(ctx),
    resolve: (e) => {
      if (e === live.RESUBSCRIBE) throw resubscribeError();
      return e;
    },
  }),
);
