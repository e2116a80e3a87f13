import { z } from 'zod';
import { createMany, publishNotifications } from '../services/notifications/notifications.ts';
import { defineJob } from './define.ts';

export const ESCALATION_DEAD_LETTER = 'escalation-notify-dead';

/**
 * Creates the recipients' notifications for an escalation and pushes them live. Exactly once per
 * recipient and walk, however often it is retried: the (recipient, dedupe key) unique index turns a
 * repeat into nothing. Retries with backoff, then the dead-letter queue.
 */
export const escalationNotify = defineJob({
  name: 'escalation-notify',
  payload: z
    .object({
      accountId: z.uuid(),
      recipientIds: z.array(z.uuid()).max(100),
      kind: z.string().min(1).max(100),
      payload: z.record(z.string(), z.unknown()),
      dedupeKey: z.string().min(1).max(200),
    })
    .strict(),
  queue: {
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 300,
    expireInSeconds: 60,
    deadLetter: ESCALATION_DEAD_LETTER,
    notify: true,
  },
  handler: async (deps, p) => {
    const client = await deps.systemPool.connect();
    try {
      const rows = await createMany(client as never, { ...p, now: deps.clock.now() });
      publishNotifications(deps.events, rows);
      return { created: rows.length };
    } finally {
      client.release();
    }
  },
});
