import type { Principal } from './principal.ts';

/** The scope-auth scopes of DESIGN §2, computed once per operation from the principal. */
export interface Scopes {
  authenticated: boolean;
  l1Tech: boolean;
  l1OrCoverage: boolean;
  l1OrAbove: boolean;
  engineerOrAdmin: boolean;
  accountManager: boolean;
  owner: boolean;
  seatReader: boolean;
  superAdmin: boolean;
}

/** Scopes that take a parameter: the rule needs something from the object being read. */
export interface ScopeLoaders {
  /** The caller is the user with this id (their own contact details and account state). */
  self: (userId: string) => boolean;
}

export function scopeLoadersFor(p: Principal): ScopeLoaders {
  return { self: (userId) => p.kind === 'user' && p.userId === userId };
}

export function scopesFor(p: Principal): Scopes {
  if (p.kind === 'apiToken') {
    // An API token passes seatReader and nothing else.
    return {
      authenticated: false,
      l1Tech: false,
      l1OrCoverage: false,
      l1OrAbove: false,
      engineerOrAdmin: false,
      accountManager: false,
      owner: false,
      seatReader: p.scopes.includes('seats_read'),
      superAdmin: false,
    };
  }
  if (p.kind !== 'user') {
    return {
      authenticated: false,
      l1Tech: false,
      l1OrCoverage: false,
      l1OrAbove: false,
      engineerOrAdmin: false,
      accountManager: false,
      owner: false,
      seatReader: false,
      superAdmin: false,
    };
  }
  const r = p.role;
  const su = p.isSuperAdmin;
  const accountManager = su || r === 'owner' || r === 'admin';
  return {
    authenticated: true,
    l1Tech: su || r === 'l1_tech',
    l1OrCoverage: su || r === 'l1_tech' || r === 'owner' || r === 'admin' || (r === 'engineer' && p.canCoverL1),
    l1OrAbove: su || r !== 'viewer',
    engineerOrAdmin: su || r === 'engineer' || r === 'admin' || r === 'owner',
    accountManager,
    owner: su || r === 'owner',
    seatReader: accountManager || r === 'engineer',
    superAdmin: su,
  };
}
