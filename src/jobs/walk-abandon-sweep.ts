import { z } from 'zod';
import { abandonIdleWalks } from '../services/walks/sweep.ts';
import { defineJob } from './define.ts';

/** Hourly (SWEEP_CRON): walks idle for ABANDON_AFTER_HOURS become abandoned, their tickets open again. */
export const walkAbandonSweep = defineJob({
  name: 'walk-abandon-sweep',
  payload: z
    .object({
      thresholdHours: z
        .number()
        .positive()
        .max(24 * 365)
        .optional(),
    })
    .strict(),
  queue: { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 15 * 60 },
  handler: async (deps, payload) => {
    const now = deps.clock.now();
    const hours = payload.thresholdHours ?? deps.config.ABANDON_AFTER_HOURS;
    const result = await abandonIdleWalks(deps.systemPool, deps.events, { cutoff: new Date(now.getTime() - hours * 3600_000), now });
    deps.logger.info({ job: 'walk-abandon-sweep', ...result }, 'abandonment sweep finished');
    return result;
  },
});
