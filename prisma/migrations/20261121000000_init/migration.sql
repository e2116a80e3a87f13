-- L1 Workspace: initial schema (DESIGN §3, §8).
-- Runs as the owner. Request traffic uses l1_app (owns nothing, no BYPASSRLS); jobs use
-- l1_system, which crosses tenants through its own permissive policies rather than BYPASSRLS,
-- so a non-superuser owner can run this migration too.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'l1_app') THEN
    CREATE ROLE l1_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'l1_system') THEN
    CREATE ROLE l1_system NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;

-- accounts ------------------------------------------------------------------------------------
CREATE TABLE "accounts" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "name" VARCHAR(200) NOT NULL,
  "slug" VARCHAR(100) NOT NULL,
  "session_idle_seconds" INTEGER,
  "session_absolute_seconds" INTEGER,
  "enabled_l1_categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
  "knowledge_base_connected_at" TIMESTAMPTZ(6),
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "accounts_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "accounts_name_check" CHECK (length(btrim("name")) > 0),
  CONSTRAINT "accounts_slug_check" CHECK ("slug" ~ '^[a-z0-9][a-z0-9-]*$'),
  -- idle 15 min..30 days, absolute 1 h..90 days, idle <= absolute when both are overridden;
  -- the service also checks a single override against the other side's default.
  CONSTRAINT "accounts_session_idle_check" CHECK ("session_idle_seconds" IS NULL OR "session_idle_seconds" BETWEEN 900 AND 2592000),
  CONSTRAINT "accounts_session_absolute_check" CHECK ("session_absolute_seconds" IS NULL OR "session_absolute_seconds" BETWEEN 3600 AND 7776000),
  CONSTRAINT "accounts_session_order_check" CHECK ("session_idle_seconds" IS NULL OR "session_absolute_seconds" IS NULL OR "session_idle_seconds" <= "session_absolute_seconds")
);
CREATE UNIQUE INDEX "accounts_slug_key" ON "accounts"("slug");

-- billing_plans -------------------------------------------------------------------------------
CREATE TABLE "billing_plans" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "engineer_seat_limit" INTEGER,
  "l1_seat_limit" INTEGER,
  "is_active" BOOLEAN NOT NULL DEFAULT true,
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "billing_plans_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "billing_plans_limits_check" CHECK (("engineer_seat_limit" IS NULL OR "engineer_seat_limit" >= 0) AND ("l1_seat_limit" IS NULL OR "l1_seat_limit" >= 0))
);
CREATE INDEX "billing_plans_account_id_idx" ON "billing_plans"("account_id");
-- One active plan per account.
CREATE UNIQUE INDEX "billing_plans_one_active_key" ON "billing_plans"("account_id") WHERE "is_active";

-- users ---------------------------------------------------------------------------------------
CREATE TABLE "users" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "name" VARCHAR(200) NOT NULL,
  "password_hash" TEXT NOT NULL,
  "role" TEXT NOT NULL,
  "is_super_admin" BOOLEAN NOT NULL DEFAULT false,
  "can_cover_l1" BOOLEAN NOT NULL DEFAULT false,
  "is_active" BOOLEAN NOT NULL DEFAULT true,
  "deleted_at" TIMESTAMPTZ(6),
  "last_login_at" TIMESTAMPTZ(6),
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "users_role_check" CHECK ("role" IN ('owner', 'admin', 'engineer', 'l1_tech', 'viewer')),
  -- Emails are stored normalised, so the plain unique index is case-insensitive.
  CONSTRAINT "users_email_check" CHECK ("email" = lower(btrim("email")) AND "email" LIKE '%_@_%'),
  CONSTRAINT "users_name_check" CHECK (length(btrim("name")) > 0),
  CONSTRAINT "users_coverage_check" CHECK (NOT "can_cover_l1" OR "role" = 'engineer')
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "users_account_id_role_idx" ON "users"("account_id", "role");

-- invites -------------------------------------------------------------------------------------
CREATE TABLE "invites" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "role" TEXT NOT NULL,
  "token_hash" CHAR(64) NOT NULL,
  "expires_at" TIMESTAMPTZ(6) NOT NULL,
  "accepted_at" TIMESTAMPTZ(6),
  "accepted_user_id" UUID,
  "revoked_at" TIMESTAMPTZ(6),
  "invited_by" UUID,
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "invites_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "invites_role_check" CHECK ("role" IN ('admin', 'engineer', 'l1_tech', 'viewer')),
  CONSTRAINT "invites_email_check" CHECK ("email" = lower(btrim("email"))),
  CONSTRAINT "invites_token_hash_check" CHECK ("token_hash" ~ '^[0-9a-f]{64}$'),
  CONSTRAINT "invites_single_end_check" CHECK ("accepted_at" IS NULL OR "revoked_at" IS NULL)
);
CREATE UNIQUE INDEX "invites_token_hash_key" ON "invites"("token_hash");
CREATE INDEX "invites_account_id_created_at_idx" ON "invites"("account_id", "created_at" DESC);
-- At most one open invite per address and account (expired ones are revoked before re-inviting).
CREATE UNIQUE INDEX "invites_open_email_key" ON "invites"("account_id", "email") WHERE "accepted_at" IS NULL AND "revoked_at" IS NULL;

-- auth_sessions (refresh-token families) ------------------------------------------------------
CREATE TABLE "auth_sessions" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "user_id" UUID NOT NULL,
  "jti" UUID NOT NULL,
  "auth_time" TIMESTAMPTZ(6) NOT NULL,
  "idle_seconds" INTEGER NOT NULL,
  "absolute_seconds" INTEGER NOT NULL,
  "last_refreshed_at" TIMESTAMPTZ(6) NOT NULL,
  "revoked_at" TIMESTAMPTZ(6),
  "revoked_reason" TEXT,
  "user_agent" VARCHAR(400),
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "auth_sessions_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "auth_sessions_limits_check" CHECK ("idle_seconds" > 0 AND "absolute_seconds" > 0 AND "idle_seconds" <= "absolute_seconds")
);
CREATE INDEX "auth_sessions_account_id_user_id_idx" ON "auth_sessions"("account_id", "user_id");

-- api_tokens ----------------------------------------------------------------------------------
CREATE TABLE "api_tokens" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "name" VARCHAR(200) NOT NULL,
  "token_hash" CHAR(64) NOT NULL,
  "token_prefix" VARCHAR(16) NOT NULL,
  "scopes" TEXT[],
  "created_by" UUID,
  "last_used_at" TIMESTAMPTZ(6),
  "revoked_at" TIMESTAMPTZ(6),
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "api_tokens_scopes_check" CHECK ("scopes" <@ ARRAY['seats_read']::TEXT[] AND cardinality("scopes") > 0),
  CONSTRAINT "api_tokens_name_check" CHECK (length(btrim("name")) > 0)
);
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");
CREATE INDEX "api_tokens_account_id_created_at_idx" ON "api_tokens"("account_id", "created_at" DESC);

-- flows + flow_versions -----------------------------------------------------------------------
CREATE TABLE "flows" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "title" VARCHAR(200) NOT NULL,
  "description" VARCHAR(2000) NOT NULL DEFAULT '',
  "status" TEXT NOT NULL DEFAULT 'draft',
  "draft_nodes" JSONB NOT NULL DEFAULT '[]',
  "draft_root_node_id" VARCHAR(100),
  "latest_version_id" UUID,
  "latest_version_no" INTEGER NOT NULL DEFAULT 0,
  "created_by" UUID,
  "archived_at" TIMESTAMPTZ(6),
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "flows_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "flows_status_check" CHECK ("status" IN ('draft', 'published', 'archived')),
  CONSTRAINT "flows_published_check" CHECK ("status" <> 'published' OR "latest_version_id" IS NOT NULL),
  CONSTRAINT "flows_title_check" CHECK (length(btrim("title")) > 0),
  CONSTRAINT "flows_draft_nodes_check" CHECK (jsonb_typeof("draft_nodes") = 'array')
);
CREATE UNIQUE INDEX "flows_latest_version_id_key" ON "flows"("latest_version_id");
CREATE INDEX "flows_account_id_status_title_idx" ON "flows"("account_id", "status", "title");

CREATE TABLE "flow_versions" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "flow_id" UUID NOT NULL,
  "version" INTEGER NOT NULL,
  "nodes" JSONB NOT NULL,
  "root_node_id" VARCHAR(100) NOT NULL,
  "published_by" UUID,
  "published_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "flow_versions_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "flow_versions_version_check" CHECK ("version" >= 1),
  CONSTRAINT "flow_versions_nodes_check" CHECK (jsonb_typeof("nodes") = 'array')
);
CREATE UNIQUE INDEX "flow_versions_flow_id_version_key" ON "flow_versions"("flow_id", "version");
CREATE INDEX "flow_versions_account_id_idx" ON "flow_versions"("account_id");

-- flow_proposals ------------------------------------------------------------------------------
CREATE TABLE "flow_proposals" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "title" VARCHAR(200) NOT NULL,
  "source" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'draft',
  "nodes" JSONB NOT NULL DEFAULT '[]',
  "root_node_id" VARCHAR(100),
  "ticket_id" UUID,
  "source_walk_id" UUID,
  "validated_by_outcome" BOOLEAN NOT NULL DEFAULT false,
  "validated_at" TIMESTAMPTZ(6),
  "created_by" UUID,
  "reviewed_by" UUID,
  "reviewed_at" TIMESTAMPTZ(6),
  "review_note" VARCHAR(2000),
  "approved_flow_id" UUID,
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "flow_proposals_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "flow_proposals_source_check" CHECK ("source" IN ('ai_realtime_l1', 'kb_accelerator', 'manual_draft', 'ai_promoted')),
  CONSTRAINT "flow_proposals_status_check" CHECK ("status" IN ('draft', 'approved', 'rejected')),
  CONSTRAINT "flow_proposals_approved_check" CHECK ("status" <> 'approved' OR "approved_flow_id" IS NOT NULL),
  CONSTRAINT "flow_proposals_title_check" CHECK (length(btrim("title")) > 0),
  CONSTRAINT "flow_proposals_nodes_check" CHECK (jsonb_typeof("nodes") = 'array')
);
CREATE UNIQUE INDEX "flow_proposals_source_walk_id_key" ON "flow_proposals"("source_walk_id");
CREATE INDEX "flow_proposals_account_id_status_validated_by_outcome_created_at_idx" ON "flow_proposals"("account_id", "status", "validated_by_outcome", "created_at" DESC);
CREATE INDEX "flow_proposals_ticket_id_idx" ON "flow_proposals"("ticket_id");

-- internal_tickets ----------------------------------------------------------------------------
CREATE TABLE "internal_tickets" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "customer_name" VARCHAR(200) NOT NULL,
  "customer_contact" VARCHAR(320) NOT NULL,
  "problem_statement" VARCHAR(4000) NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'open',
  "created_by" UUID,
  "assigned_engineer_id" UUID,
  "resolution_notes" VARCHAR(20000),
  "escalation_reason_category" TEXT,
  "escalation_reason" VARCHAR(4000),
  "handoff" JSONB,
  "resolved_at" TIMESTAMPTZ(6),
  "escalated_at" TIMESTAMPTZ(6),
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "internal_tickets_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "internal_tickets_status_check" CHECK ("status" IN ('open', 'walking', 'resolved', 'escalated')),
  CONSTRAINT "internal_tickets_problem_check" CHECK (length(btrim("problem_statement")) > 0),
  CONSTRAINT "internal_tickets_resolved_check" CHECK ("status" <> 'resolved' OR "resolved_at" IS NOT NULL),
  CONSTRAINT "internal_tickets_escalated_check" CHECK ("status" <> 'escalated' OR ("escalated_at" IS NOT NULL AND "escalation_reason_category" IS NOT NULL))
);
CREATE INDEX "internal_tickets_account_id_status_created_at_idx" ON "internal_tickets"("account_id", "status", "created_at" DESC);
CREATE INDEX "internal_tickets_escalated_idx" ON "internal_tickets"("account_id", "escalated_at" DESC) WHERE "status" = 'escalated';

-- walk_sessions -------------------------------------------------------------------------------
CREATE TABLE "walk_sessions" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "kind" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active',
  "flow_id" UUID,
  "flow_version_id" UUID,
  "proposal_id" UUID,
  "ticket_kind" TEXT NOT NULL DEFAULT 'internal',
  "internal_ticket_id" UUID,
  "psa_ticket_ref" VARCHAR(200),
  "current_node_id" VARCHAR(100),
  "created_by" UUID NOT NULL,
  "handler_user_id" UUID NOT NULL,
  "version" INTEGER NOT NULL DEFAULT 1,
  "step_count" INTEGER NOT NULL DEFAULT 0,
  "notes" JSONB NOT NULL DEFAULT '[]',
  "helpful" BOOLEAN,
  "resolution_notes" VARCHAR(20000),
  "escalation_reason_category" TEXT,
  "escalation_reason" VARCHAR(4000),
  "handoff" JSONB,
  "acting_as" TEXT,
  "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_step_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "resolved_at" TIMESTAMPTZ(6),
  "ended_at" TIMESTAMPTZ(6),
  CONSTRAINT "walk_sessions_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "walk_sessions_kind_check" CHECK ("kind" IN ('flow', 'proposal', 'adhoc', 'ai_build')),
  CONSTRAINT "walk_sessions_status_check" CHECK ("status" IN ('active', 'resolved', 'escalated', 'abandoned')),
  -- A flow walk pins a published version; a proposal walk names its proposal; adhoc and
  -- ai_build walks have no tree target.
  CONSTRAINT "walk_sessions_target_check" CHECK (
    ("kind" = 'flow' AND "flow_id" IS NOT NULL AND "flow_version_id" IS NOT NULL AND "proposal_id" IS NULL)
    OR ("kind" = 'proposal' AND "proposal_id" IS NOT NULL AND "flow_id" IS NULL AND "flow_version_id" IS NULL)
    OR ("kind" IN ('adhoc', 'ai_build') AND "flow_id" IS NULL AND "flow_version_id" IS NULL AND "proposal_id" IS NULL)
  ),
  CONSTRAINT "walk_sessions_ticket_check" CHECK (
    ("ticket_kind" = 'internal' AND "internal_ticket_id" IS NOT NULL AND "psa_ticket_ref" IS NULL)
    OR ("ticket_kind" = 'psa' AND "psa_ticket_ref" IS NOT NULL AND "internal_ticket_id" IS NULL)
  ),
  CONSTRAINT "walk_sessions_acting_as_check" CHECK ("acting_as" IS NULL OR "acting_as" = 'l1_coverage'),
  CONSTRAINT "walk_sessions_version_check" CHECK ("version" >= 1 AND "step_count" >= 0),
  CONSTRAINT "walk_sessions_ended_check" CHECK (("status" = 'active') = ("ended_at" IS NULL)),
  CONSTRAINT "walk_sessions_notes_check" CHECK (jsonb_typeof("notes") = 'array')
);
CREATE INDEX "walk_sessions_internal_ticket_id_idx" ON "walk_sessions"("internal_ticket_id");
-- The sweep: "active walks idle since T" touches only active rows.
CREATE INDEX "walk_sessions_active_idle_idx" ON "walk_sessions"("last_step_at") WHERE "status" = 'active';
-- Coverage board and "resume in progress".
CREATE INDEX "walk_sessions_active_account_idx" ON "walk_sessions"("account_id", "last_step_at" DESC) WHERE "status" = 'active';
CREATE INDEX "walk_sessions_active_handler_idx" ON "walk_sessions"("handler_user_id", "last_step_at" DESC) WHERE "status" = 'active';

-- walk_steps (append-only) --------------------------------------------------------------------
CREATE TABLE "walk_steps" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "session_id" UUID NOT NULL,
  "seq" INTEGER NOT NULL,
  "node_id" VARCHAR(100) NOT NULL,
  "question" VARCHAR(4000) NOT NULL,
  "answer" TEXT NOT NULL,
  "answer_label" VARCHAR(200) NOT NULL,
  "yes_label" VARCHAR(200),
  "no_label" VARCHAR(200),
  "next_node_id" VARCHAR(100),
  "note" VARCHAR(4000),
  "actor_id" UUID NOT NULL,
  "acting_as" TEXT,
  "client_step_id" VARCHAR(100) NOT NULL,
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "walk_steps_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "walk_steps_answer_check" CHECK ("answer" IN ('yes', 'no', 'continue')),
  CONSTRAINT "walk_steps_seq_check" CHECK ("seq" >= 1),
  CONSTRAINT "walk_steps_acting_as_check" CHECK ("acting_as" IS NULL OR "acting_as" = 'l1_coverage')
);
CREATE UNIQUE INDEX "walk_steps_session_id_seq_key" ON "walk_steps"("session_id", "seq");
CREATE UNIQUE INDEX "walk_steps_session_id_client_step_id_key" ON "walk_steps"("session_id", "client_step_id");
CREATE INDEX "walk_steps_account_id_idx" ON "walk_steps"("account_id");

-- notifications -------------------------------------------------------------------------------
CREATE TABLE "notifications" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "recipient_id" UUID NOT NULL,
  "kind" VARCHAR(100) NOT NULL,
  "payload" JSONB NOT NULL DEFAULT '{}',
  "dedupe_key" VARCHAR(200),
  "read_at" TIMESTAMPTZ(6),
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "notifications_recipient_id_dedupe_key_key" ON "notifications"("recipient_id", "dedupe_key");
CREATE INDEX "notifications_recipient_id_created_at_idx" ON "notifications"("recipient_id", "created_at" DESC);
CREATE INDEX "notifications_account_id_idx" ON "notifications"("account_id");
CREATE INDEX "notifications_unread_idx" ON "notifications"("recipient_id") WHERE "read_at" IS NULL;

-- audit_logs ----------------------------------------------------------------------------------
CREATE TABLE "audit_logs" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "account_id" UUID NOT NULL,
  "actor_id" UUID,
  "actor_kind" TEXT NOT NULL DEFAULT 'user',
  "action" VARCHAR(100) NOT NULL,
  "entity_type" VARCHAR(100),
  "entity_id" UUID,
  "acting_as" TEXT,
  "payload" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "audit_logs_actor_kind_check" CHECK ("actor_kind" IN ('user', 'system', 'api_token')),
  CONSTRAINT "audit_logs_acting_as_check" CHECK ("acting_as" IS NULL OR "acting_as" = 'l1_coverage')
);
CREATE INDEX "audit_logs_account_id_created_at_idx" ON "audit_logs"("account_id", "created_at" DESC);
CREATE INDEX "audit_logs_account_id_action_created_at_idx" ON "audit_logs"("account_id", "action", "created_at" DESC);

-- foreign keys --------------------------------------------------------------------------------
ALTER TABLE "billing_plans" ADD CONSTRAINT "billing_plans_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "invites" ADD CONSTRAINT "invites_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "invites" ADD CONSTRAINT "invites_invited_by_fkey" FOREIGN KEY ("invited_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "invites" ADD CONSTRAINT "invites_accepted_user_id_fkey" FOREIGN KEY ("accepted_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "flows" ADD CONSTRAINT "flows_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "flows" ADD CONSTRAINT "flows_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "flows" ADD CONSTRAINT "flows_latest_version_id_fkey" FOREIGN KEY ("latest_version_id") REFERENCES "flow_versions"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_published_by_fkey" FOREIGN KEY ("published_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "flow_proposals" ADD CONSTRAINT "flow_proposals_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "flow_proposals" ADD CONSTRAINT "flow_proposals_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "internal_tickets"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "flow_proposals" ADD CONSTRAINT "flow_proposals_source_walk_id_fkey" FOREIGN KEY ("source_walk_id") REFERENCES "walk_sessions"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "flow_proposals" ADD CONSTRAINT "flow_proposals_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "flow_proposals" ADD CONSTRAINT "flow_proposals_reviewed_by_fkey" FOREIGN KEY ("reviewed_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "flow_proposals" ADD CONSTRAINT "flow_proposals_approved_flow_id_fkey" FOREIGN KEY ("approved_flow_id") REFERENCES "flows"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "internal_tickets" ADD CONSTRAINT "internal_tickets_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "internal_tickets" ADD CONSTRAINT "internal_tickets_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "internal_tickets" ADD CONSTRAINT "internal_tickets_assigned_engineer_id_fkey" FOREIGN KEY ("assigned_engineer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "walk_sessions" ADD CONSTRAINT "walk_sessions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "walk_sessions" ADD CONSTRAINT "walk_sessions_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
ALTER TABLE "walk_sessions" ADD CONSTRAINT "walk_sessions_flow_version_id_fkey" FOREIGN KEY ("flow_version_id") REFERENCES "flow_versions"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
ALTER TABLE "walk_sessions" ADD CONSTRAINT "walk_sessions_proposal_id_fkey" FOREIGN KEY ("proposal_id") REFERENCES "flow_proposals"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
ALTER TABLE "walk_sessions" ADD CONSTRAINT "walk_sessions_internal_ticket_id_fkey" FOREIGN KEY ("internal_ticket_id") REFERENCES "internal_tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "walk_sessions" ADD CONSTRAINT "walk_sessions_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
ALTER TABLE "walk_sessions" ADD CONSTRAINT "walk_sessions_handler_user_id_fkey" FOREIGN KEY ("handler_user_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
ALTER TABLE "walk_steps" ADD CONSTRAINT "walk_steps_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "walk_steps" ADD CONSTRAINT "walk_steps_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "walk_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "walk_steps" ADD CONSTRAINT "walk_steps_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- privileges ----------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA public TO l1_app, l1_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  "accounts", "billing_plans", "users", "invites", "auth_sessions", "api_tokens", "flows",
  "flow_proposals", "internal_tickets", "walk_sessions", "notifications"
  TO l1_app, l1_system;
-- Published versions, walk steps and audit rows are append-only for request traffic.
GRANT SELECT, INSERT ON "flow_versions", "walk_steps", "audit_logs" TO l1_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "flow_versions", "walk_steps", "audit_logs" TO l1_system;

-- row-level security --------------------------------------------------------------------------
-- Requests see only the account named by app.current_account_id (set with set_config(..., true)
-- inside each request transaction). Unset or empty: nothing. nullif() matters: after a local
-- setting ends, the session value reads back as '' rather than NULL, and ''::uuid would raise.
ALTER TABLE "accounts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "accounts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "accounts" TO l1_app
  USING ("id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid))
  WITH CHECK ("id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid));
CREATE POLICY "system_all" ON "accounts" TO l1_system USING (true) WITH CHECK (true);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['billing_plans', 'users', 'invites', 'auth_sessions', 'api_tokens',
    'flows', 'flow_versions', 'flow_proposals', 'internal_tickets', 'walk_sessions', 'walk_steps',
    'notifications', 'audit_logs']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY "tenant_isolation" ON %I TO l1_app
      USING ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid))
      WITH CHECK ("account_id" = (SELECT nullif(current_setting('app.current_account_id', true), '')::uuid))$p$, t);
    EXECUTE format('CREATE POLICY "system_all" ON %I TO l1_system USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

-- pre-tenant lookups --------------------------------------------------------------------------
-- Logging in, accepting an invite and presenting an API token happen before the tenant is
-- known. These SECURITY DEFINER functions answer exactly one narrow question each, so l1_app
-- never needs a cross-tenant read. They live in their own schema owned by l1_system (whose
-- policies let it read every tenant) so that nothing in public needs CREATE for that role.
CREATE SCHEMA "l1_auth" AUTHORIZATION l1_system;
GRANT USAGE ON SCHEMA "l1_auth" TO l1_app;

CREATE FUNCTION "l1_auth"."account_for_email"(p_email text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT account_id FROM users WHERE email = lower(btrim(p_email)) AND deleted_at IS NULL $$;

CREATE FUNCTION "l1_auth"."account_for_invite"(p_token_hash text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT account_id FROM invites WHERE token_hash = p_token_hash $$;

CREATE FUNCTION "l1_auth"."api_token"(p_token_hash text)
  RETURNS TABLE (id uuid, account_id uuid, scopes text[], last_used_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT t.id, t.account_id, t.scopes, t.last_used_at FROM api_tokens t WHERE t.token_hash = p_token_hash AND t.revoked_at IS NULL $$;

ALTER FUNCTION "l1_auth"."account_for_email"(text) OWNER TO l1_system;
ALTER FUNCTION "l1_auth"."account_for_invite"(text) OWNER TO l1_system;
ALTER FUNCTION "l1_auth"."api_token"(text) OWNER TO l1_system;
REVOKE ALL ON FUNCTION "l1_auth"."account_for_email"(text), "l1_auth"."account_for_invite"(text), "l1_auth"."api_token"(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "l1_auth"."account_for_email"(text), "l1_auth"."account_for_invite"(text), "l1_auth"."api_token"(text) TO l1_app;
