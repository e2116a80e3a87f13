import { loaders } from '../services/loaders.ts';
import { builder } from './builder.ts';
import { WalkSessionRef } from './walk.ts';

// Here rather than in ticket.ts, which walk.ts imports (the handoff and note types).
// A ticket's walks (ticket → walk links for the tickets page and escalations).
builder.prismaObjectFields('InternalTicket', (t) => ({
  walks: t.field({
    type: [WalkSessionRef],
    description: 'Walks on this ticket, newest first.',
    resolve: (ticket, _a, ctx) => loaders(ctx).walksByTicket.load(ticket.id),
  }),
  latestWalk: t.field({
    type: WalkSessionRef,
    nullable: true,
    resolve: async (ticket, _a, ctx) => (await loaders(ctx).walksByTicket.load(ticket.id))[0] ?? null,
  }),
}));
