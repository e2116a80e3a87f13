import { type SeatCheck, seatUsage } from '../services/seats/seats.ts';
import { builder } from './builder.ts';
import { SeatRoleEnum } from './errors.ts';

const SeatCheckRef = builder.objectRef<SeatCheck>('SeatCheck').implement({
  fields: (t) => ({
    role: t.field({ type: SeatRoleEnum, resolve: (s) => s.role }),
    current: t.exposeInt('current', { description: 'Active, non-deleted users holding this kind of seat.' }),
    pending: t.exposeInt('pending', { description: 'Seats held by pending invites (not yet accepted, revoked or expired).' }),
    limit: t.exposeInt('limit', { nullable: true, description: 'null: unlimited.' }),
    available: t.exposeInt('available', {
      nullable: true,
      description: 'Free for new invites and role changes: limit − current − pending. null: unlimited.',
    }),
  }),
});

const SeatUsage = builder.objectRef<Record<'engineer' | 'l1_tech', SeatCheck>>('SeatUsage').implement({
  fields: (t) => ({
    engineer: t.field({ type: SeatCheckRef, resolve: (u) => u.engineer }),
    l1Tech: t.field({ type: SeatCheckRef, resolve: (u) => u.l1_tech }),
  }),
});

builder.queryField('seatUsage', (t) =>
  t.field({
    type: SeatUsage,
    description: 'Engineer and L1 seats in use against the plan. Readable with an API token carrying SEATS_READ.',
    authScopes: { seatReader: true },
    resolve: (_r, _a, ctx) => seatUsage(ctx),
  }),
);
