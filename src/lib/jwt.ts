import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from './clock.ts';

const ISSUER = 'l1-workspace';

export interface AccessClaims {
  sub: string;
  acc: string;
  sid: string;
  exp: number;
  iat: number;
}

/** A refresh token carries its family's auth_time and limits (DESIGN §9). */
export interface RefreshClaims {
  sub: string;
  acc: string;
  sid: string;
  jti: string;
  auth_time: number;
  idle: number;
  abs: number;
  iat: number;
}

export type Verified<T> = { ok: true; claims: T } | { ok: false; reason: 'expired' | 'invalid' };

/** Verified access tokens, so a client's every request does not re-run HMAC (expiry is still checked). */
const VERIFIED_MAX = 20_000;

export class Jwt {
  private readonly key: Promise<CryptoKey>;
  private readonly verified = new LRUCache<string, AccessClaims>({ max: VERIFIED_MAX });
  constructor(
    secret: string,
    private readonly clock: Clock,
    readonly accessTtlSeconds: number,
  ) {
    // Imported once: jose would otherwise import the raw secret through WebCrypto on every call.
    this.key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
  }

  private nowSec(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  async signAccess(c: { sub: string; acc: string; sid: string }): Promise<{ token: string; expiresAt: Date }> {
    const iat = this.nowSec();
    const exp = iat + this.accessTtlSeconds;
    const token = await new SignJWT({ acc: c.acc, sid: c.sid, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(c.sub)
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(await this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async signRefresh(c: Omit<RefreshClaims, 'iat'>, iat = this.nowSec()): Promise<string> {
    return new SignJWT({ acc: c.acc, sid: c.sid, auth_time: c.auth_time, idle: c.idle, abs: c.abs, typ: 'refresh' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(c.sub)
      .setJti(c.jti)
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .sign(await this.key);
  }

  async verifyAccess(token: string): Promise<Verified<AccessClaims>> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp * 1000 > this.clock.now().getTime()) return { ok: true, claims: hit };
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (payload.typ !== 'access' || typeof payload.acc !== 'string' || typeof payload.sid !== 'string') {
        return { ok: false, reason: 'invalid' };
      }
      const claims = payload as unknown as AccessClaims;
      this.verified.set(token, claims);
      return { ok: true, claims };
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }

  /** Signature and shape only: expiry of refresh tokens is the session policy's business. */
  async verifyRefresh(token: string): Promise<RefreshClaims | null> {
    try {
      const { payload } = await jwtVerify(token, await this.key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: this.clock.now() });
      const p = payload as Record<string, unknown>;
      const ok =
        p.typ === 'refresh' &&
        ['sub', 'acc', 'sid', 'jti'].every((k) => typeof p[k] === 'string') &&
        ['auth_time', 'idle', 'abs', 'iat'].every((k) => typeof p[k] === 'number');
      return ok ? (p as unknown as RefreshClaims) : null;
    } catch {
      return null;
    }
  }
}

/** JWT_SECRET, or a secret generated once and kept in DATA_DIR so restarts keep sessions. */
export async function resolveJwtSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = path.resolve(dataDir, 'jwt-secret');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
  return (await readFile(file, 'utf8')).trim();
}
