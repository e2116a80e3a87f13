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

export interface NewTicket {
  accountId: string;
  createdBy: string;
  problemStatement: string;
  customerName: string | null;
  customerContact: string | null;
  at: Date;
}

export interface TicketEscalation {
  reasonCategory: string;
  reason: string | null;
  /** The handoff as JSON, as the walk stores it. */
  handoff: string;
  at: Date;
}

/**
 * Where a call's ticket lives. Every method runs inside the caller's tenant transaction, so the
 * ticket changes with the walk or not at all; an adapter for an external system (a PSA) records the
 * change here and leaves the external effect to the outbox. Today: internal tickets
 * (services/tickets/internal.ts).
 */
export interface TicketSystem {
  /** Opens a ticket for a new call; its id is what the walk points at. */
  open(t: NewTicket): Promise<{ id: string }>;
  /** Opens a ticket that is escalated from the start (a call escalated before any walk). */
  openEscalated(t: NewTicket, e: TicketEscalation): Promise<{ id: string }>;
  resolve(ticketId: string, r: { resolutionNotes: string; at: Date }): Promise<void>;
  escalate(ticketId: string, e: TicketEscalation): Promise<void>;
}

/** The account's troubleshooting knowledge (DESIGN §12). */
export interface KnowledgeBase {
  /** True once the account has something to build walks from (the onboarding card asks). */
  hasContent(): Promise<boolean>;
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
