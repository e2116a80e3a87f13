import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimited } from './errors.ts';

/**
 * Sign-in throttling: failed attempts per email, and all attempts per client address, in a
 * sliding window. In memory for one instance; in Redis when REDIS_URL is set so every instance
 * shares the counts.
 */
export class LoginLimiter {
  private readonly byEmail: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(opts: { maxFailuresPerEmail: number; maxAttemptsPerIp: number; windowSeconds: number; redis?: Redis }) {
    const mk = (keyPrefix: string, points: number) =>
      opts.redis
        ? new RateLimiterRedis({ storeClient: opts.redis, keyPrefix, points, duration: opts.windowSeconds })
        : new RateLimiterMemory({ keyPrefix, points, duration: opts.windowSeconds });
    this.byEmail = mk('login_email', opts.maxFailuresPerEmail);
    this.byIp = mk('login_ip', opts.maxAttemptsPerIp);
  }

  private static retryAfter(res: RateLimiterRes | null): number {
    return Math.max(1, Math.ceil((res?.msBeforeNext ?? 1000) / 1000));
  }

  /** Counts the attempt against the address; refuses when either budget is spent. */
  async beforeAttempt(email: string, ip: string | null): Promise<void> {
    const emailState = await this.byEmail.get(email);
    if (emailState && emailState.remainingPoints <= 0) throw new RateLimited(LoginLimiter.retryAfter(emailState));
    try {
      await this.byIp.consume(ip ?? 'unknown');
    } catch (res) {
      if (res instanceof RateLimiterRes) throw new RateLimited(LoginLimiter.retryAfter(res));
      throw res;
    }
  }

  async failed(email: string): Promise<void> {
    await this.byEmail.consume(email).catch((res: unknown) => {
      if (!(res instanceof RateLimiterRes)) throw res;
    });
  }

  async succeeded(email: string): Promise<void> {
    await this.byEmail.delete(email);
  }
}
