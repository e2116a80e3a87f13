import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimited } from '../errors.ts';

export interface LoginLimiterOptions {
  /** Failed sign-ins for one email from one client address before that pair is refused. */
  maxFailuresPerEmail: number;
  /** Sign-in attempts from one client address, whatever the email. */
  maxAttemptsPerIp: number;
  windowSeconds: number;
  /** First delay once an email has failed SLOWDOWN_AFTER times from anywhere; doubles each time. 0: none. */
  slowdownMs: number;
  redis?: Redis;
}

/** Failures of one email, from any address, before its attempts start to slow down. */
export const SLOWDOWN_AFTER = 3;
const SLOWDOWN_MAX_MS = 8_000;

/**
 * Sign-in throttling, in a sliding window. Failures lock an email only for the client address
 * they came from, so nobody can lock a colleague out by guessing at their address; guesses at one
 * email from many addresses are slowed progressively instead (the answer waits, doubling from
 * `slowdownMs`, before the password is checked). Every attempt also counts against its address.
 * In memory for one instance; in Redis when REDIS_URL is set so every instance shares the counts.
 */
export class LoginLimiter {
  private readonly byEmailAndIp: RateLimiterAbstract;
  private readonly byEmail: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;
  private readonly slowdownMs: number;
  /** Emails with a slowed attempt waiting on this instance: a second one at once is refused. */
  private readonly waiting = new Set<string>();

  constructor(opts: LoginLimiterOptions) {
    const mk = (keyPrefix: string, points: number) =>
      opts.redis
        ? new RateLimiterRedis({ storeClient: opts.redis, keyPrefix, points, duration: opts.windowSeconds })
        : new RateLimiterMemory({ keyPrefix, points, duration: opts.windowSeconds });
    this.byEmailAndIp = mk('login_email_ip', opts.maxFailuresPerEmail);
    // Only counted, never refused: it decides the delay.
    this.byEmail = mk('login_email', Number.MAX_SAFE_INTEGER);
    this.byIp = mk('login_ip', opts.maxAttemptsPerIp);
    this.slowdownMs = opts.slowdownMs;
  }

  private static retryAfter(res: RateLimiterRes | null): number {
    return Math.max(1, Math.ceil((res?.msBeforeNext ?? 1000) / 1000));
  }

  private static pair(email: string, ip: string | null): string {
    return `${email}|${ip ?? 'unknown'}`;
  }

  /** The wait before this email's next attempt is answered, after `failures` failures. */
  static delayMs(failures: number, slowdownMs: number): number {
    const over = failures - SLOWDOWN_AFTER;
    if (over <= 0 || slowdownMs <= 0) return 0;
    return Math.min(SLOWDOWN_MAX_MS, slowdownMs * 2 ** Math.min(over - 1, 20));
  }

  /** Counts the attempt against the address; refuses when a budget is spent; then waits if it must. */
  async beforeAttempt(email: string, ip: string | null): Promise<void> {
    const pairState = await this.byEmailAndIp.get(LoginLimiter.pair(email, ip));
    if (pairState && pairState.remainingPoints <= 0) throw new RateLimited(LoginLimiter.retryAfter(pairState));
    try {
      await this.byIp.consume(ip ?? 'unknown');
    } catch (res) {
      if (res instanceof RateLimiterRes) throw new RateLimited(LoginLimiter.retryAfter(res));
      throw res;
    }
    // Before any database work, so a slowed attempt holds no connection while it waits. One waits
    // per email at a time: parallel guesses would otherwise all sleep side by side, and the delay
    // would slow nothing down.
    const wait = LoginLimiter.delayMs((await this.byEmail.get(email))?.consumedPoints ?? 0, this.slowdownMs);
    if (wait <= 0) return;
    if (this.waiting.has(email)) throw new RateLimited(Math.max(1, Math.ceil(wait / 1000)));
    this.waiting.add(email);
    try {
      await new Promise((r) => setTimeout(r, wait));
    } finally {
      this.waiting.delete(email);
    }
  }

  async failed(email: string, ip: string | null): Promise<void> {
    const swallowLimit = (res: unknown) => {
      if (!(res instanceof RateLimiterRes)) throw res;
    };
    await Promise.all([
      this.byEmailAndIp.consume(LoginLimiter.pair(email, ip)).catch(swallowLimit),
      this.byEmail.consume(email).catch(swallowLimit),
    ]);
  }

  async succeeded(email: string, ip: string | null): Promise<void> {
    await Promise.all([this.byEmailAndIp.delete(LoginLimiter.pair(email, ip)), this.byEmail.delete(email)]);
  }
}
