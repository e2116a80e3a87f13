import { createMany, publishNotifications } from '../services/notifications/notifications.ts';
import { escalationNotice } from '../services/notifications/topics.ts';
import { markDelivered } from '../services/outbox/store.ts';
import { defineJob } from './define.ts';

export const ESCALATION_DEAD_LETTER = 'escalation-notify-dead';

/**
 * Creates the recipients' notifications for an escalation and pushes them live. Exactly once per
 * recipient and walk, however often it is retried: the (recipient, dedupe key) unique index turns a
 * repeat into nothing. Retries with backoff, then the dead-letter queue.
 *
 * Escalations start it through the outbox (their transaction writes the message, the relay makes it
 * this job with the message's id), so the job marks its message delivered once the notifications
 * exist. A job sent directly has no message, and that update finds nothing.
 */
export const escalationNotify = defineJob({
  name: escalationNotice.name,
  payload: escalationNotice.payload,
  queue: {
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 300,
    expireInSeconds: 60,
    // A worker killed mid-run is noticed in seconds, not after the minute of expireInSeconds.
    heartbeatSeconds: 10,
    deadLetter: ESCALATION_DEAD_LETTER,
    notify: true,
  },
  handler: async (deps, p, meta) => {
    const client = await deps.systemPool.connect();
    try {
      const rows = await createMany(client as never, { ...p, now: deps.clock.now() });
      // Fault tests SIGKILL the process here: the effect is done, nothing else is.
      if (deps.config.OUTBOX_FAULT === 'hold-after-effect') await new Promise(() => undefined);
      // Only rows created now are pushed: a retry after a crash here finds them made and pushes none
      // (the bell counts each push as one more unread), so those recipients see it on their next read.
      publishNotifications(deps.events, rows);
      await markDelivered(client, meta.id);
      return { created: rows.length };
    } finally {
      client.release();
    }
  },
});
