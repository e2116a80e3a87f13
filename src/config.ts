import os from 'node:os';
import { z } from 'zod';

// Read once at start-up. A bad value stops the process with a message naming the variable.
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const postgresUrl = z
  .string()
  .url()
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL');

const schema = z.object({
  // Unset is the safe default (`npm start`): the GraphQL surface behaves as in production (no
  // anonymous introspection, no "Did you mean" hints). `development` (`npm run dev`) relaxes those;
  // `production` also insists on a real deployment (PUBLIC_URL set, no demo sign-ins).
  NODE_ENV: z.enum(['development', 'production', 'test']).optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(4000),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  // Requests are short transactions, so a few connections per Postgres core keep it busy; more only
  // queue inside Postgres, where waiters are not served in order. Measured on two cores at 50 clients
  // stepping: p99 97 ms with 50 connections, 74–90 ms with 3–8 (PostgreSQL wiki: cores × 2 + 1).
  // Raise it for a remote Postgres with more cores than this machine. Capped at 40 so that a large
  // host's request and jobs pools stay well inside embedded Postgres's max_connections (300).
  DB_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(Math.min(40, 2 * os.availableParallelism() + 1)),
  // Demo sign-ins have a published password: seeded by default only on the embedded database of a
  // non-production start (`npm start` on a laptop). Elsewhere only when asked for, never in production.
  SEED_DEMO: bool.optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86400).default(900),
  REDIS_URL: z.string().url().optional(),
  ABANDON_AFTER_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(24),
  SWEEP_CRON: z.string().min(9).default('0 * * * *'),
  // An L1 tech may take a peer's live walk once it has had no step for this long (the mid-shift
  // hand-off: the peer went on a break or to another call without handing it off first).
  TAKEOVER_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(10),
  // Intake builds a walk only from knowledge base chunks scoring at least this (0–1: the share of
  // the problem statement's terms a chunk covers, rare terms weighing more, in its text and in its
  // title or headings, mixed with its rank; src/services/kb/search.ts). Chosen on the labelled
  // statements of tests/corpus/kb-relevance.ts (tests/kb-search.test.ts prints the margins).
  KB_RELEVANCE_FLOOR: z.coerce.number().min(0).max(1).default(0.35),
  JOBS_ENABLED: bool.default(true),
  JOBS_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  JOBS_CRON_MONITOR_SECONDS: z.coerce.number().int().min(1).max(45).default(30),
  // The outbox relay wakes on NOTIFY when a row commits; this poll only catches a missed
  // notification and hand-offs waiting out their backoff.
  OUTBOX_POLL_SECONDS: z.coerce.number().min(0.2).max(300).default(10),
  // Fault tests only (refused in production): hold the relay, or stop an escalation's handler
  // after its effect, so a test can SIGKILL the process at exactly that point.
  OUTBOX_FAULT: z.enum(['hold-dispatch', 'hold-after-effect']).optional(),
  // Failed sign-ins allowed per email from one client address, and sign-in attempts per client
  // address, per window. Failures of one email from anywhere slow its answers down instead
  // (LOGIN_SLOWDOWN_MS, doubling), so guessing at a colleague's address cannot lock them out.
  LOGIN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(10),
  LOGIN_SLOWDOWN_MS: z.coerce.number().int().min(0).max(8000).default(250),
  LOGIN_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(100),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  // Keep recently seen principals in memory (invalidated by database notifications); off: one
  // lookup per operation.
  PRINCIPAL_CACHE: bool.default(true),
  // Trust X-Forwarded-For for the client address (only behind a proxy you control).
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIST_DIR: z.string().min(1).default('./web/dist'),
  // Browser origins besides our own that may call the API (comma-separated), e.g. a dashboard.
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .url()
          .refine((o) => new URL(o).origin === o, 'must be bare origins like https://dash.example.com'),
      ),
    ),
  UPGRADE_URL: z.string().url().default('https://l1workspace.example/billing/upgrade'),
  // Intake matching (DESIGN §14): a flow's score is in [0, 1]. At or above the match threshold and
  // ahead of the runner-up by the margin, intake starts the flow; at or above the suggest threshold
  // it offers it. Defaults chosen on the labelled corpus (tests/corpus/intake.ts).
  INTAKE_MATCH_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  INTAKE_SUGGEST_THRESHOLD: z.coerce.number().min(0).max(1).default(0.3),
  INTAKE_MATCH_MARGIN: z.coerce.number().min(0).max(1).default(0.12),
});

export type Config = z.infer<typeof schema> & {
  publicUrl: string;
  /** SEED_DEMO, or its default: on for embedded Postgres outside production, off otherwise. */
  seedDemo: boolean;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, the way shells and .env files usually mean them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const c = parsed.data;
  const production = c.NODE_ENV === 'production';
  const refusals: string[] = [];
  // Invite links carry secrets; in production their host must be configured, never guessed.
  if (production && !c.PUBLIC_URL)
    refusals.push('PUBLIC_URL: is required when NODE_ENV=production (the address people open, e.g. https://helpdesk.example.com)');
  if (production && c.SEED_DEMO)
    refusals.push('SEED_DEMO: cannot be true when NODE_ENV=production (the demo sign-ins have a published password)');
  if (production && c.OUTBOX_FAULT)
    refusals.push('OUTBOX_FAULT: cannot be set when NODE_ENV=production (it holds notifications back on purpose, for fault tests)');
  if (c.INTAKE_SUGGEST_THRESHOLD > c.INTAKE_MATCH_THRESHOLD)
    refusals.push(
      'INTAKE_SUGGEST_THRESHOLD: must not be above INTAKE_MATCH_THRESHOLD (a flow good enough to start is good enough to offer)',
    );
  if (refusals.length) throw new ConfigError(`Invalid configuration: ${refusals.join('; ')}`);
  return {
    ...c,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
    seedDemo: c.SEED_DEMO ?? (!c.DATABASE_URL && !production),
  };
}
