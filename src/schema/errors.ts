import {
  AppError,
  CONFLICT_REASONS,
  ConflictError,
  InvalidCredentials,
  InviteInvalid,
  NotFoundError,
  RateLimited,
  SeatLimitExceeded,
  SessionRefused,
  ValidationError,
} from '../services/errors.ts';
import { builder } from './builder.ts';
import { enumValuesOf } from './enums.ts';

/** Every expected failure: a message for people and a stable code for programs. */
export const ErrorInterface = builder.interfaceRef<AppError>('Error').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code'),
  }),
});

export const IssueRef = builder.objectRef<{ path: string[]; message: string }>('ValidationIssue').implement({
  fields: (t) => ({
    path: t.exposeStringList('path'),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ issues: t.field({ type: [IssueRef], resolve: (e) => e.issues }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ entity: t.exposeString('entity') }),
});

const ConflictReasonEnum = builder.enumType('ConflictReason', {
  values: enumValuesOf(CONFLICT_REASONS, {
    nothing_changed: 'Publishing a draft identical to the latest version; currentVersion names it.',
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    reason: t.field({ type: ConflictReasonEnum, resolve: (e) => e.reason }),
    currentVersion: t.int({ nullable: true, resolve: (e) => e.currentVersion }),
  }),
});

export const SeatRoleEnum = builder.enumType('SeatRole', {
  values: { ENGINEER: { value: 'engineer' }, L1_TECH: { value: 'l1_tech' } } as const,
});

builder.objectType(SeatLimitExceeded, {
  name: 'SeatLimitExceeded',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    role: t.field({ type: SeatRoleEnum, resolve: (e) => e.role }),
    current: t.exposeInt('current', { description: 'Members in this kind of seat.' }),
    pending: t.exposeInt('pending', { description: 'Seats held by pending invites; current + pending reached the limit.' }),
    limit: t.exposeInt('limit'),
    upgradeUrl: t.exposeString('upgradeUrl'),
  }),
});

builder.objectType(InvalidCredentials, { name: 'InvalidCredentials', interfaces: [ErrorInterface] });

builder.objectType(RateLimited, {
  name: 'RateLimited',
  interfaces: [ErrorInterface],
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds') }),
});

builder.objectType(SessionRefused, { name: 'SessionRefused', interfaces: [ErrorInterface] });

builder.objectType(InviteInvalid, { name: 'InviteInvalid', interfaces: [ErrorInterface] });
