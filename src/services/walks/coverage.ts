/**
 * Who covers the L1 desk (issue 18, item 8). A coverer is everyone on the L1 surface who is not an
 * L1 tech: owners, admins, super admins and engineers flagged canCoverL1. Decided from the role and
 * the flag, never from `actingAs` (which says how an action is tagged in the audit log, and is
 * narrower than this).
 */
export interface CoverageSubject {
  role: string;
  isSuperAdmin: boolean;
  canCoverL1: boolean;
}

export function isCoverer(u: CoverageSubject): boolean {
  return u.isSuperAdmin || u.role === 'owner' || u.role === 'admin' || (u.role === 'engineer' && u.canCoverL1);
}

/** May this user work the L1 desk at all (the `l1OrCoverage` scope)? */
export function worksL1Desk(u: CoverageSubject): boolean {
  return u.role === 'l1_tech' || isCoverer(u);
}

/** The same rule in SQL, over a users row aliased `u`. */
export const COVERER_SQL = `(u.is_super_admin OR u.role IN ('owner', 'admin') OR (u.role = 'engineer' AND u.can_cover_l1))`;
