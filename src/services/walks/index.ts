// The walk services, one module per part of a walk's life; callers import them as one namespace.
export { ESCALATION_REASONS, escalate, escalateWithoutWalk, type EscalationResult } from './escalation.ts';
export { resolve } from './ending.ts';
export { startWalk, type WalkStart } from './intake.ts';
export { NOTES_MAX_BYTES, updateNotes } from './notes.ts';
export { activeInAccount, myActive, title } from './reads.ts';
export { forgetPin, get, steps, walkNodes } from './repo.ts';
export { recordStep } from './stepping.ts';
export { handBack, release, requestWalkBack, takeOver, takeOverRule, type TakeOverRule } from './takeover.ts';
