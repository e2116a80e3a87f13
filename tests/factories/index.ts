import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hashPassword } from '../../src/lib/passwords.ts';
import type { Jwt } from '../../src/lib/jwt.ts';
import type { Role } from '../../src/services/identity/principal.ts';
import { OUTLOOK_FLOW } from '../../src/services/demo/seed.ts';
import type { FlowNode } from '../../src/services/flows/graph.ts';

export const TEST_PASSWORD = 'correct-horse-battery';
let passwordHash: Promise<string> | undefined;

const uniq = () => randomBytes(5).toString('hex');

export interface TestUser {
  id: string;
  accountId: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * Test data straight into Postgres as l1_system (it may cross tenants); each call makes unique
 * rows, so tests never depend on each other. API behaviour is exercised through GraphQL, not here.
 */
export class Factory {
  constructor(
    readonly system: pg.Pool,
    private readonly jwt: Jwt,
  ) {}

  async account(opts: { name?: string; engineerSeats?: number | null; l1Seats?: number | null } = {}) {
    const slug = `acct-${uniq()}`;
    const { rows } = await this.system.query<{ id: string }>('INSERT INTO accounts (name, slug) VALUES ($1, $2) RETURNING id', [
      opts.name ?? `Account ${slug}`,
      slug,
    ]);
    const id = rows[0]!.id;
    await this.system.query('INSERT INTO billing_plans (account_id, engineer_seat_limit, l1_seat_limit) VALUES ($1, $2, $3)', [
      id,
      opts.engineerSeats === undefined ? 10 : opts.engineerSeats,
      opts.l1Seats === undefined ? 10 : opts.l1Seats,
    ]);
    return { id, slug };
  }

  async user(
    accountId: string,
    role: Role,
    opts: { canCoverL1?: boolean; name?: string; email?: string; isActive?: boolean; deleted?: boolean; superAdmin?: boolean } = {},
  ): Promise<TestUser> {
    passwordHash ??= hashPassword(TEST_PASSWORD);
    const email = opts.email ?? `${role.replace('_', '')}-${uniq()}@example.test`;
    const name = opts.name ?? `${role} ${uniq()}`;
    const { rows } = await this.system.query<{ id: string }>(
      `INSERT INTO users (account_id, email, name, password_hash, role, can_cover_l1, is_active, deleted_at, is_super_admin)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        accountId,
        email,
        name,
        await passwordHash,
        role,
        opts.canCoverL1 ?? false,
        opts.isActive ?? true,
        opts.deleted ? new Date() : null,
        opts.superAdmin ?? false,
      ],
    );
    return { id: rows[0]!.id, accountId, email, name, role };
  }

  /** A signed-in session without the cost of argon2: a session row plus its access token. */
  async token(user: { id: string; accountId: string }): Promise<string> {
    const { rows } = await this.system.query<{ id: string }>(
      `INSERT INTO auth_sessions (account_id, user_id, jti, auth_time, idle_seconds, absolute_seconds, last_refreshed_at)
       VALUES ($1, $2, $3, now(), 259200, 1209600, now()) RETURNING id`,
      [user.accountId, user.id, randomUUID()],
    );
    const { token } = await this.jwt.signAccess({ sub: user.id, acc: user.accountId, sid: rows[0]!.id });
    return token;
  }

  async publishedFlow(
    accountId: string,
    createdBy: string,
    flow: { title?: string; description?: string; rootNodeId: string; nodes: FlowNode[] } = OUTLOOK_FLOW,
  ) {
    const title = flow.title ?? `Flow ${uniq()}`;
    const f = await this.system.query<{ id: string }>(
      `INSERT INTO flows (account_id, title, description, status, draft_nodes, draft_root_node_id, created_by)
       VALUES ($1, $2, $3, 'draft', $4, $5, $6) RETURNING id`,
      [accountId, title, flow.description ?? '', JSON.stringify(flow.nodes), flow.rootNodeId, createdBy],
    );
    const v = await this.system.query<{ id: string }>(
      `INSERT INTO flow_versions (account_id, flow_id, version, nodes, root_node_id, published_by)
       VALUES ($1, $2, 1, $3, $4, $5) RETURNING id`,
      [accountId, f.rows[0]!.id, JSON.stringify(flow.nodes), flow.rootNodeId, createdBy],
    );
    await this.system.query(`UPDATE flows SET status = 'published', latest_version_id = $2, latest_version_no = 1 WHERE id = $1`, [
      f.rows[0]!.id,
      v.rows[0]!.id,
    ]);
    return { flowId: f.rows[0]!.id, versionId: v.rows[0]!.id, title };
  }

  /**
   * One row in every tenant table for an account: what the isolation tests read, insert and
   * update across tenants.
   */
  async fullTenant() {
    const account = await this.account();
    const owner = await this.user(account.id, 'owner');
    const l1 = await this.user(account.id, 'l1_tech');
    await this.token(owner);
    const flow = await this.publishedFlow(account.id, owner.id);
    const q = (sql: string, params: unknown[]) => this.system.query<{ id: string }>(sql, params);
    await q(
      `INSERT INTO invites (account_id, email, role, token_hash, expires_at, invited_by)
       VALUES ($1, $2, 'l1_tech', $3, now() + interval '7 days', $4) RETURNING id`,
      [account.id, `invitee-${uniq()}@example.test`, randomBytes(32).toString('hex'), owner.id],
    );
    await q(
      `INSERT INTO api_tokens (account_id, name, token_hash, token_prefix, scopes, created_by)
       VALUES ($1, 'dash', $2, 'l1k_abcd', ARRAY['seats_read'], $3) RETURNING id`,
      [account.id, randomBytes(32).toString('hex'), owner.id],
    );
    const ticket = await q(
      `INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by)
       VALUES ($1, 'Customer', 'c@example.test', 'Printer offline', 'open', $2) RETURNING id`,
      [account.id, l1.id],
    );
    await q(
      `INSERT INTO flow_proposals (account_id, title, source, nodes, root_node_id, ticket_id, created_by)
       VALUES ($1, 'Draft', 'manual_draft', $2, $3, $4, $5) RETURNING id`,
      [account.id, JSON.stringify(OUTLOOK_FLOW.nodes), OUTLOOK_FLOW.rootNodeId, ticket.rows[0]!.id, owner.id],
    );
    const walk = await q(
      `INSERT INTO walk_sessions (account_id, kind, flow_id, flow_version_id, internal_ticket_id, current_node_id, created_by, handler_user_id)
       VALUES ($1, 'flow', $2, $3, $4, 'status', $5, $5) RETURNING id`,
      [account.id, flow.flowId, flow.versionId, ticket.rows[0]!.id, l1.id],
    );
    await q(
      `INSERT INTO walk_steps (account_id, session_id, seq, node_id, question, answer, answer_label, yes_label, no_label, next_node_id, actor_id, client_step_id)
       VALUES ($1, $2, 1, 'opens', 'Can the user open Outlook at all?', 'yes', 'It opens', 'It opens', 'It won''t open', 'status', $3, $4) RETURNING id`,
      [account.id, walk.rows[0]!.id, l1.id, uniq()],
    );
    await q(`INSERT INTO notifications (account_id, recipient_id, kind, payload) VALUES ($1, $2, 'escalation', '{}') RETURNING id`, [
      account.id,
      owner.id,
    ]);
    await q(
      `INSERT INTO outbox (account_id, topic, idempotency_key, payload, dead_at) VALUES ($1, 'test.topic', $2, '{}', now()) RETURNING id`,
      [account.id, uniq()],
    );
    const doc = await q(
      `INSERT INTO kb_documents (account_id, title, body, format, source, content_hash, created_by)
       VALUES ($1, 'Printer offline', '# Printer offline\n\nRestart the spooler.', 'markdown', 'paste', $2, $3) RETURNING id`,
      [account.id, randomBytes(32).toString('hex'), owner.id],
    );
    await q(
      `INSERT INTO kb_chunks (account_id, document_id, ordinal, document_title, heading_path, text)
       VALUES ($1, $2, 0, 'Printer offline', ARRAY['Steps'], 'Restart the spooler.') RETURNING id`,
      [account.id, doc.rows[0]!.id],
    );
    await q(`INSERT INTO audit_logs (account_id, actor_id, action, payload) VALUES ($1, $2, 'test.event', '{}') RETURNING id`, [
      account.id,
      owner.id,
    ]);
    return { account, owner, l1, flow, ticketId: ticket.rows[0]!.id, walkId: walk.rows[0]!.id };
  }
}
