-- Transactional outbox (src/services/outbox/). An effect on another system, or work done later by
-- a job, is written here in the same transaction as the change that causes it, so a crash between
-- COMMIT and the hand-off can no longer lose it. Requests (l1_app) may only add and read rows of
-- their own account; the relay (l1_system) hands each row to its pg-boss job exactly once and keeps
-- the bookkeeping columns. `pg_notify('l1_outbox', topic)` is sent with each insert by the writer,
-- so a relay wakes as the transaction commits; a slow poll covers a missed notification.
CREATE TABLE "outbox" (
  "id" UUID NOT NULL DEFAULT l1_uuid_v7(),
  "account_id" UUID NOT NULL,
  "topic" VARCHAR(100) NOT NULL,
  "idempotency_key" VARCHAR(200) NOT NULL,
  "payload" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  -- When the relay may next try it (later after each failed hand-off).
  "available_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "last_error" TEXT,
  -- Handed to its job (the pg-boss job of the same id was inserted in the same transaction).
  "dispatched_at" TIMESTAMPTZ(6),
  -- The job's handler finished its effect.
  "delivered_at" TIMESTAMPTZ(6),
  -- The hand-off failed too often; listed by `npm run jobs:dead-letters`.
  "dead_at" TIMESTAMPTZ(6),
  CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
-- Per account: a key chosen in one account can never make another account's message a duplicate.
CREATE UNIQUE INDEX "outbox_account_id_topic_idempotency_key_key" ON "outbox"("account_id", "topic", "idempotency_key");
-- What the relay looks for: small, since rows leave it once handed off.
CREATE INDEX "outbox_pending_idx" ON "outbox"("available_at") WHERE "dispatched_at" IS NULL AND "dead_at" IS NULL;
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Requests add rows and may read their own; only the relay updates or removes them.
GRANT SELECT, INSERT ON "outbox" TO l1_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "outbox" TO l1_system;

ALTER TABLE "outbox" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "outbox" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "outbox" TO l1_app
  USING ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid))
  WITH CHECK ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid));
CREATE POLICY "system_all" ON "outbox" TO l1_system USING (true) WITH CHECK (true);
