import type pg from 'pg';
import { hashPassword, verifyPassword } from '../../lib/passwords.ts';
import type { Logger } from '../../logger.ts';
import type { FlowNode } from '../flows/graph.ts';
import { seedDemoKnowledgeBase } from './kb-seed.ts';

export const DEMO_PASSWORD = 'demo';

export const DEMO_USERS = [
  { email: 'owner@demo.local', name: 'Olivia Owner', role: 'owner', account: 'demo' },
  { email: 'admin@demo.local', name: 'Adam Admin', role: 'admin', account: 'demo' },
  { email: 'engineer@demo.local', name: 'Erin Engineer', role: 'engineer', account: 'demo', canCoverL1: true },
  { email: 'engineer2@demo.local', name: 'Eli Engineer', role: 'engineer', account: 'demo' },
  { email: 'l1@demo.local', name: 'Lena Tech', role: 'l1_tech', account: 'demo' },
  { email: 'l1b@demo.local', name: 'Luis Tech', role: 'l1_tech', account: 'demo' },
  { email: 'viewer@demo.local', name: 'Vera Viewer', role: 'viewer', account: 'demo' },
  { email: 'other-owner@demo.local', name: 'Oscar Other', role: 'owner', account: 'other' },
  { email: 'other-l1@demo.local', name: 'Otto Tech', role: 'l1_tech', account: 'other' },
] as const;

/** "Outlook won't connect": every node kind, labels of its own on every question. */
export const OUTLOOK_FLOW: { rootNodeId: string; nodes: FlowNode[] } = {
  rootNodeId: 'opens',
  nodes: [
    {
      id: 'opens',
      kind: 'question',
      text: 'Can the user open Outlook at all?',
      yesLabel: 'It opens',
      noLabel: "It won't open",
      yesNext: 'status',
      noNext: 'safe-mode',
    },
    {
      id: 'safe-mode',
      kind: 'instruction',
      text: 'Have the user start Outlook in safe mode (Win+R, then outlook.exe /safe) and disable any add-ins under File › Options › Add-ins.',
      next: 'safe-ok',
    },
    {
      id: 'safe-ok',
      kind: 'question',
      text: 'Does Outlook start normally after the add-ins are disabled?',
      yesLabel: 'Starts normally',
      noLabel: 'Still fails',
      yesNext: 'fixed-addin',
      noNext: 'escalate',
    },
    {
      id: 'status',
      kind: 'question',
      text: "Does the status bar say 'Disconnected' or 'Trying to connect…'?",
      yesLabel: 'Shows disconnected',
      noLabel: 'Shows connected',
      yesNext: 'offline',
      noNext: 'mail-flow',
    },
    {
      id: 'offline',
      kind: 'instruction',
      text: 'Confirm the PC has internet access, then on the Send / Receive tab make sure Work Offline is switched off.',
      next: 'reconnected',
    },
    {
      id: 'reconnected',
      kind: 'question',
      text: 'Does Outlook reconnect within a minute?',
      yesLabel: 'Reconnected',
      noLabel: 'Still disconnected',
      yesNext: 'fixed-online',
      noNext: 'profile',
    },
    {
      id: 'profile',
      kind: 'instruction',
      text: 'Create a new Outlook profile: Control Panel › Mail › Show Profiles › Add, then set it as the default and restart Outlook.',
      next: 'profile-ok',
    },
    {
      id: 'profile-ok',
      kind: 'question',
      text: 'Does Outlook connect with the new profile?',
      yesLabel: 'Connects',
      noLabel: 'Still fails',
      yesNext: 'fixed-profile',
      noNext: 'escalate',
    },
    {
      id: 'mail-flow',
      kind: 'question',
      text: 'Can the user send a test message to themselves and receive it?',
      yesLabel: 'Mail flows',
      noLabel: 'Nothing arrives',
      yesNext: 'fixed-confirmed',
      noNext: 'escalate',
    },
    { id: 'fixed-addin', kind: 'resolution', text: 'Resolved: a faulty add-in was disabled. Note which add-in in the ticket.' },
    { id: 'fixed-online', kind: 'resolution', text: 'Resolved: Outlook was working offline and has reconnected.' },
    { id: 'fixed-profile', kind: 'resolution', text: 'Resolved: the Outlook profile was recreated.' },
    { id: 'fixed-confirmed', kind: 'resolution', text: 'Resolved: the connection works; mail flow confirmed with the user.' },
    { id: 'escalate', kind: 'escalation', text: 'Escalate to engineers: likely a mailbox, licence or server-side problem.' },
  ],
};

/**
 * Seeds the demo accounts on an empty database. Runs as the system role (which may cross
 * tenants; the owner may be subject to forced RLS) under an
 * advisory lock, and only when no account exists, so concurrent or repeated start-ups seed once.
 */
export async function seedDemo(admin: pg.ClientBase, logger: Logger): Promise<boolean> {
  await admin.query('SELECT pg_advisory_lock(727074)');
  try {
    const { rows } = await admin.query<{ n: string }>('SELECT count(*)::text AS n FROM accounts');
    if (rows[0]?.n !== '0') return false;
    const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(DEMO_PASSWORD)));
    await admin.query('BEGIN');
    try {
      const demo = await admin.query<{ id: string }>(`INSERT INTO accounts (name, slug) VALUES ('Demo MSP', 'demo-msp') RETURNING id`);
      const other = await admin.query<{ id: string }>(`INSERT INTO accounts (name, slug) VALUES ('Other MSP', 'other-msp') RETURNING id`);
      const accounts = { demo: demo.rows[0]!.id, other: other.rows[0]!.id };
      await admin.query(`INSERT INTO billing_plans (account_id, engineer_seat_limit, l1_seat_limit) VALUES ($1, 5, 3), ($2, 5, 3)`, [
        accounts.demo,
        accounts.other,
      ]);
      const ids: Record<string, string> = {};
      for (const [i, u] of DEMO_USERS.entries()) {
        const r = await admin.query<{ id: string }>(
          `INSERT INTO users (account_id, email, name, password_hash, role, can_cover_l1)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [accounts[u.account], u.email, u.name, hashes[i], u.role, 'canCoverL1' in u ? u.canCoverL1 : false],
        );
        ids[u.email] = r.rows[0]!.id;
      }
      const flow = await admin.query<{ id: string }>(
        `INSERT INTO flows (account_id, title, description, status, draft_nodes, draft_root_node_id, created_by)
         VALUES ($1, $2, $3, 'draft', $4, $5, $6) RETURNING id`,
        [
          accounts.demo,
          "Outlook won't connect",
          'Outlook does not open, shows Disconnected, or mail does not arrive.',
          JSON.stringify(OUTLOOK_FLOW.nodes),
          OUTLOOK_FLOW.rootNodeId,
          ids['engineer@demo.local'],
        ],
      );
      const version = await admin.query<{ id: string }>(
        `INSERT INTO flow_versions (account_id, flow_id, version, nodes, root_node_id, published_by)
         VALUES ($1, $2, 1, $3, $4, $5) RETURNING id`,
        [accounts.demo, flow.rows[0]!.id, JSON.stringify(OUTLOOK_FLOW.nodes), OUTLOOK_FLOW.rootNodeId, ids['engineer@demo.local']],
      );
      await admin.query(`UPDATE flows SET status = 'published', latest_version_id = $2, latest_version_no = 1 WHERE id = $1`, [
        flow.rows[0]!.id,
        version.rows[0]!.id,
      ]);
      await seedDemoKnowledgeBase(admin, accounts.demo, ids['engineer@demo.local']!);
      await admin.query('COMMIT');
    } catch (err) {
      await admin.query('ROLLBACK');
      throw err;
    }
    logger.info('demo data seeded');
    return true;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(727074)');
  }
}

const DEMO_SLUGS = ['demo-msp', 'other-msp'];

/**
 * Demo sign-ins that still open with the published password. Production refuses to start while
 * any does: anyone who has read the README could sign in as the owner.
 */
export async function demoSignInsStillOpen(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ email: string; password_hash: string }>(
    'SELECT email, password_hash FROM users WHERE email = ANY($1) AND is_active AND deleted_at IS NULL ORDER BY email',
    [DEMO_USERS.map((u) => u.email)],
  );
  const open: string[] = [];
  for (const r of rows) if (await verifyPassword(r.password_hash, DEMO_PASSWORD)) open.push(r.email);
  return open;
}

/**
 * Deletes the two demo accounts and everything in them (`npm run demo:remove`), as the jobs role,
 * which crosses tenants through its own policies and may delete audit rows: the owner connection
 * would see nothing under forced row-level security unless it is a superuser.
 */
export async function removeDemoAccounts(system: pg.ClientBase): Promise<{ accounts: number; users: number }> {
  await system.query('BEGIN');
  try {
    const { rows } = await system.query<{ id: string }>('SELECT id FROM accounts WHERE slug = ANY($1) FOR UPDATE', [DEMO_SLUGS]);
    const ids = rows.map((r) => r.id);
    const users = await system.query('SELECT 1 FROM users WHERE account_id = ANY($1::uuid[])', [ids]);
    // audit_logs names its account without a foreign key (no cascade); the rest cascades.
    await system.query('DELETE FROM audit_logs WHERE account_id = ANY($1::uuid[])', [ids]);
    await system.query('DELETE FROM accounts WHERE id = ANY($1::uuid[])', [ids]);
    const left = await system.query('SELECT 1 FROM users WHERE email = ANY($1)', [DEMO_USERS.map((u) => u.email)]);
    if (left.rowCount) throw new Error('demo sign-ins are still there after removing the demo accounts');
    await system.query('COMMIT');
    return { accounts: ids.length, users: users.rowCount ?? 0 };
  } catch (err) {
    await system.query('ROLLBACK');
    throw err;
  }
}
