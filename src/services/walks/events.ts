import type { EventBus } from '../ports.ts';
import { topics } from '../live/event-bus.ts';
import type { StepRow, WalkRow } from './rows.ts';

/**
 * Live walk events, published after commit to the walk's own topic and to its account's feed.
 * Small: the walk's scalar state (notes only when they changed) and the new step, if any. Every
 * event carries the walk's `version`, so a subscriber can order them and notice a gap.
 */
export type WalkChange =
  'started' | 'stepped' | 'notes' | 'handover' | 'released' | 'handback_requested' | 'resolved' | 'escalated' | 'abandoned';

export interface WalkEvent {
  change: WalkChange;
  walk: WireWalk;
  step?: WireStep;
  /** Epoch ms at publish time: lets clients and benchmarks measure delivery. */
  publishedAt: number;
}

type Wire<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
/**
 * Notes ride only on the events that change them; `noteCount` rides on every event, so a board that
 * shows "2 notes" still says 2 after a hand-over or a step.
 */
export type WireWalk = Omit<Wire<WalkRow>, 'notes'> & { notes?: WalkRow['notes']; noteCount: number };
export type WireStep = Wire<StepRow>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toWireWalk(w: WalkRow, withNotes: boolean): WireWalk {
  const { notes, ...rest } = w;
  return {
    ...rest,
    noteCount: notes.length,
    startedAt: w.startedAt.toISOString(),
    lastStepAt: w.lastStepAt.toISOString(),
    resolvedAt: iso(w.resolvedAt),
    endedAt: iso(w.endedAt),
    handbackRequestedAt: iso(w.handbackRequestedAt ?? null),
    releasedAt: iso(w.releasedAt ?? null),
    ...(withNotes ? { notes } : {}),
  } as WireWalk;
}

export function fromWireWalk(w: WireWalk, previousNotes: WalkRow['notes'] = []): WalkRow {
  const { noteCount: _count, ...rest } = w;
  return {
    ...rest,
    notes: w.notes ?? previousNotes,
    startedAt: new Date(w.startedAt),
    lastStepAt: new Date(w.lastStepAt),
    resolvedAt: w.resolvedAt ? new Date(w.resolvedAt) : null,
    endedAt: w.endedAt ? new Date(w.endedAt) : null,
    handbackRequestedAt: w.handbackRequestedAt ? new Date(w.handbackRequestedAt) : null,
    releasedAt: w.releasedAt ? new Date(w.releasedAt) : null,
  } as WalkRow;
}

export function toWireStep(s: StepRow): WireStep {
  return { ...s, createdAt: s.createdAt.toISOString() } as WireStep;
}

export function fromWireStep(s: WireStep): StepRow {
  return { ...s, createdAt: new Date(s.createdAt) } as StepRow;
}

export function publishWalk(events: EventBus, walk: WalkRow, change: WalkChange, step?: StepRow): void {
  publishWireWalk(events, toWireWalk(walk, change === 'notes' || change === 'started'), change, step ? toWireStep(step) : undefined);
}

/** For callers that already hold the wire shape (the sweep reads it straight from SQL). */
export function publishWireWalk(events: EventBus, walk: WireWalk, change: WalkChange, step?: WireStep): void {
  const event: WalkEvent = { change, walk, ...(step ? { step } : {}), publishedAt: Date.now() };
  events.publish(topics.walk(walk.id), event);
  events.publish(topics.accountWalks(walk.accountId), event);
}
