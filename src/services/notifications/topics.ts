import { z } from 'zod';

/**
 * Outbox topics of notifications: the message a service writes in its transaction and the job in
 * src/jobs/ that delivers it share this name and payload schema (services never import jobs).
 */
export const escalationNotice = {
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
};
