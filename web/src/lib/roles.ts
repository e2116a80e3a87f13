// Who may use which part of the SPA. Mirrors the API's scopes (DESIGN §2); the API stays the
// authority, these only decide navigation and redirects.

export type Role = 'OWNER' | 'ADMIN' | 'ENGINEER' | 'L1_TECH' | 'VIEWER';

export interface Principal {
  role: Role;
  canCoverL1: boolean;
  /** Null only when read about someone else; `me` always has it. */
  isSuperAdmin: boolean | null;
}

/** The L1 desk (`l1OrCoverage`): L1 techs, owners, admins and engineers who cover the desk. */
export function canUseL1Desk(p: Principal): boolean {
  return p.isSuperAdmin || p.role === 'L1_TECH' || p.role === 'OWNER' || p.role === 'ADMIN' || (p.role === 'ENGINEER' && p.canCoverL1);
}

/**
 * An engineer who covers the L1 desk: their desk work is recorded as coverage (`actingAs`
 * "l1_coverage"), the seed's rule. Owners and admins work the desk as themselves.
 */
export function isCoverer(p: Principal): boolean {
  return p.role === 'ENGINEER' && p.canCoverL1;
}

/**
 * Covers the desk in the takeover sense: owners, admins, super admins and engineers flagged to
 * cover may take over any call and use the coverage board (the API's rule, src/services/walks/coverage.ts).
 */
export function usesCoverageBoard(p: Principal): boolean {
  return !!p.isSuperAdmin || (canUseL1Desk(p) && p.role !== 'L1_TECH');
}

/** Authoring, review queue and escalations (`engineerOrAdmin`). */
export function isEngineer(p: Principal): boolean {
  return p.isSuperAdmin || p.role === 'ENGINEER' || p.role === 'ADMIN' || p.role === 'OWNER';
}

/** The knowledge base, to read (`l1OrAbove`): everyone but viewers. */
export function canReadKb(p: Principal): boolean {
  return !!p.isSuperAdmin || p.role !== 'VIEWER';
}

/** Users, invites, seats, API tokens, audit (`accountManager`). */
export function isAccountManager(p: Principal): boolean {
  return p.isSuperAdmin || p.role === 'OWNER' || p.role === 'ADMIN';
}

/** Coverage flag, session policy, revoking sessions (`owner`). */
export function isOwner(p: Principal): boolean {
  return p.isSuperAdmin || p.role === 'OWNER';
}

/** Where "/" leads. */
export function homePath(p: Principal): string {
  if (canUseL1Desk(p)) return '/l1';
  if (isEngineer(p)) return '/engineer/escalations';
  return '/welcome';
}

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  ENGINEER: 'Engineer',
  L1_TECH: 'L1 tech',
  VIEWER: 'Viewer',
};
