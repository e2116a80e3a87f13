// Pure token timing (unit-tested in tests/web).

/**
 * When the access token expires on this machine's clock. The token's own lifetime (exp − iat) is
 * counted from when we received it, so a browser whose clock is off does not refresh in a loop
 * (or too late). Falls back to the server's `accessTokenExpiresAt`.
 */
export function localExpiry(accessToken: string, expiresAtIso: string, receivedAtMs: number): number {
  const claims = decodeJwtClaims(accessToken);
  if (claims && typeof claims.exp === 'number' && typeof claims.iat === 'number' && claims.exp > claims.iat) {
    return receivedAtMs + (claims.exp - claims.iat) * 1000;
  }
  const parsed = Date.parse(expiresAtIso);
  return Number.isNaN(parsed) ? receivedAtMs + 60_000 : parsed;
}

export function decodeJwtClaims(token: string): { exp?: unknown; iat?: unknown } | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === 'object' ? (claims as { exp?: unknown; iat?: unknown }) : null;
  } catch {
    return null;
  }
}

/**
 * How long to wait before refreshing a token that expires at `expiresAtMs`: a lead of a fifth of
 * the remaining time (between 5 s and 60 s), never sooner than 5 s so a broken clock or a very
 * short token cannot make a tight loop.
 */
export function refreshDelay(expiresAtMs: number, nowMs: number): number {
  const remaining = expiresAtMs - nowMs;
  const lead = Math.min(60_000, Math.max(5_000, remaining * 0.2));
  return Math.max(5_000, remaining - lead);
}

/** A token this close to expiry is refreshed before it is used. */
export const EXPIRY_MARGIN_MS = 10_000;

export function needsRefresh(expiresAtMs: number, nowMs: number): boolean {
  return expiresAtMs - nowMs <= EXPIRY_MARGIN_MS;
}

/**
 * The session's deadlines on this machine's clock: the server's absolute deadline shifted by the
 * same skew as the access token (its server expiry against its local one), and the idle timeout.
 */
export function sessionDeadlines(
  s: { accessTokenExpiresAt: string; absoluteExpiresAt: string; idleSeconds: number },
  localAccessExpiry: number,
): { absoluteAt: number; absoluteIso: string; idleMs: number } {
  const serverAccess = Date.parse(s.accessTokenExpiresAt);
  const absoluteAt = Date.parse(s.absoluteExpiresAt);
  const skew = Number.isNaN(serverAccess) ? 0 : localAccessExpiry - serverAccess;
  return {
    absoluteAt: Number.isNaN(absoluteAt) ? Number.POSITIVE_INFINITY : absoluteAt + skew,
    absoluteIso: s.absoluteExpiresAt,
    idleMs: s.idleSeconds * 1000,
  };
}

/** Five minutes before the session ends, the SPA says so. */
export const EXPIRY_NOTICE_MS = 5 * 60_000;

export type ExpiryNotice = { kind: 'idle' | 'absolute'; endsAt: number } | null;

/** Which notice to show now, if any: the absolute deadline wins when it comes first (it cannot be extended). */
export function expiryNotice(e: { idleAt: number; absoluteAt: number } | null, now: number): ExpiryNotice {
  if (!e) return null;
  if (e.absoluteAt <= e.idleAt && e.absoluteAt - now <= EXPIRY_NOTICE_MS) return { kind: 'absolute', endsAt: e.absoluteAt };
  if (e.idleAt - now <= EXPIRY_NOTICE_MS) return { kind: 'idle', endsAt: e.idleAt };
  return null;
}
