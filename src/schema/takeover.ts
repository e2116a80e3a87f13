import * as walks from '../services/walks/index.ts';
import { builder } from './builder.ts';
import { walkErrors, WalkSessionRef } from './walk.ts';

// Who handles a live call: taking it over, asking for it back, handing it back or to the desk.

builder.mutationField('takeOverWalk', (t) =>
  t.field({
    type: WalkSessionRef,
    description:
      'Become the walk’s handler. A coverer (owner, admin, engineer who covers the desk) may take any call, and keeps it until they hand it back; an L1 tech may take a peer’s call once it is handed off to the desk or has had no step for a while (10 minutes by default), never a coverer’s. Send expectedVersion to take it from someone who already took it over; of two concurrent takeovers one wins and the other gets a ConflictError naming the winner.',
    authScopes: { l1OrCoverage: true },
    args: { sessionId: t.arg.id({ required: true }), expectedVersion: t.arg.int({ required: false }) },
    errors: { types: walkErrors },
    resolve: (_r, args, ctx) => walks.takeOver(ctx, { ...args, sessionId: String(args.sessionId) }),
  }),
);

builder.mutationField('requestWalkBack', (t) =>
  t.field({
    type: WalkSessionRef,
    description: 'Asks the coverer who took over my call to hand it back. They see the request live; asking again changes nothing.',
    authScopes: { l1OrCoverage: true },
    args: { sessionId: t.arg.id({ required: true }) },
    errors: { types: walkErrors },
    resolve: (_r, args, ctx) => walks.requestWalkBack(ctx, { sessionId: String(args.sessionId) }),
  }),
);

builder.mutationField('handBackWalk', (t) =>
  t.field({
    type: WalkSessionRef,
    description:
      'The handler gives the call to someone else on the desk: by default back to the technician it was taken from, who becomes the handler.',
    authScopes: { l1OrCoverage: true },
    args: { sessionId: t.arg.id({ required: true }), toUserId: t.arg.id({ required: false }) },
    errors: { types: walkErrors },
    resolve: (_r, args, ctx) =>
      walks.handBack(ctx, { sessionId: String(args.sessionId), toUserId: args.toUserId ? String(args.toUserId) : null }),
  }),
);

builder.mutationField('releaseWalk', (t) =>
  t.field({
    type: WalkSessionRef,
    description: 'The handler hands the call off to the desk: any L1 tech may pick it up at once. The handler keeps it until someone does.',
    authScopes: { l1OrCoverage: true },
    args: { sessionId: t.arg.id({ required: true }) },
    errors: { types: walkErrors },
    resolve: (_r, args, ctx) => walks.release(ctx, { sessionId: String(args.sessionId) }),
  }),
);
