import type { z } from 'zod';
import type { Clock } from '../lib/clock.ts';
import type { EventStream } from './live/event-bus.ts';

export type { Clock };

// The interfaces services work through. Each names what a service needs, not who provides it, so
// an adapter (a PSA ticket system, Redis instead of memory) replaces another without a service
// changing. Wired together in src/services/deps.ts and built in src/app.ts.

/** Live events, published after commit and fanned out to every instance (services/live/event-bus.ts). */
export interface EventBus {
  publish(topic: string, payload: unknown): void;
  listen(topic: string, fn: (payload: unknown) => void): Promise<() => void>;
  subscribe<T>(topics: string[], bufferSize?: number): Promise<EventStream<T>>;
  close(): Promise<void>;
}

/** A job a queue can run: its name and the zod schema its payload is checked against. */
export interface JobSpec<S extends z.ZodType> {
  name: string;
  payload: S;
}

export interface DeadLetter {
  id: string;
  name: string;
  data: unknown;
  createdOn: Date;
  output: unknown;
}

/** Background work (pg-boss in src/jobs/queue.ts). Services never enqueue: they write the outbox. */
export interface JobQueue {
  send<S extends z.ZodType>(job: JobSpec<S>, payload: z.infer<S>, options?: { singletonKey?: string }): Promise<string | null>;
  /** Jobs that exhausted their retries, newest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
}

/**
 * SQL expressions over the caller's statement (its parameters and CTEs), one per value: a ticket
 * change is written by the same statement as the walk change it belongs to, so the two land
 * together in one round trip.
 */
export interface NewTicketSql {
  /** The CTE whose one row lets the ticket be opened (none there, no ticket). */
  from: string;
  accountId: string;
  createdBy: string;
  problemStatement: string;
  customerName: string;
  customerContact: string;
  at: string;
}

export interface TicketEscalationSql {
  reasonCategory: string;
  reason: string;
  /** The handoff as jsonb. */
  handoff: string;
  at: string;
}

/**
 * Where a call's ticket lives. Each method returns CTE definitions (`name AS (…)`, comma-separated)
 * for the walk statement to embed; the first is called `name` and returns the ticket's `id`. An
 * adapter for an external system (a PSA) writes its row here and adds a CTE for the outbox message
 * that carries the effect out. Today: internal tickets (services/tickets/internal.ts).
 */
export interface TicketSystem {
  /** Opens a ticket for a new call; the walk points at its id. */
  open(name: string, t: NewTicketSql): string;
  /** Opens a ticket escalated from the start (a call escalated before any walk). */
  openEscalated(name: string, t: NewTicketSql, e: TicketEscalationSql): string;
  /** `ticketId`: an expression naming the ticket, e.g. `(SELECT internal_ticket_id FROM w)`. */
  resolve(name: string, ticketId: string, r: { resolutionNotes: string; at: string }): string;
  escalate(name: string, ticketId: string, e: TicketEscalationSql): string;
}

/** The account's troubleshooting knowledge (DESIGN §12). */
export interface KnowledgeBase {
  /** True once the account has something to build walks from (the onboarding card asks). */
  hasContent(): Promise<boolean>;
  /**
   * The current account's chunks most relevant to a problem statement, best first, at most
   * `limit`; only those above the KB relevance floor, so [] means "nothing to build from".
   */
  relevant(query: string, limit: number): Promise<KbHit[]>;
}

/** One retrieved chunk (DESIGN §12): what intake lists on a BUILD walk and builder nodes cite. */
export interface KbHit {
  chunkId: string;
  documentId: string;
  title: string;
  /** Headings above the chunk, outermost first. */
  headingPath: string[];
  /** Relevance in [0, 1]: comparable across queries, so a floor means something. */
  score: number;
}

/** One question or instruction of an AI-built walk, with the knowledge it came from (DESIGN §15). */
export interface BuiltNode {
  kind: 'question' | 'instruction' | 'resolution' | 'escalation';
  text: string;
  yesLabel: string | null;
  noLabel: string | null;
  /** Ids of the KB chunks the node cites. */
  sources: string[];
}

/**
 * Builds a walk one node at a time from the problem, the path so far and the retrieved knowledge
 * (DESIGN §15). Called outside any request transaction, with a timeout; the `builder/` feature
 * folder holds its adapters (offline, Anthropic, OpenAI) and is wired into Deps with them.
 */
export interface TreeBuilder {
  nextNode(input: {
    problemStatement: string;
    category: string | null;
    path: Array<{ question: string; answerLabel: string }>;
    chunks: Array<{ id: string; text: string; documentTitle: string }>;
  }): Promise<BuiltNode>;
}
