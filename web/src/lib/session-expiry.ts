import { useSyncExternalStore } from 'react';
import { channel } from './auth-channel.ts';

/*
 * When the session ends, on this machine's clock. The access token is refreshed in the background
 * so live views keep working, and every refresh moves the server's idle deadline; so the idle
 * timeout of an open tab is kept here, from the user's own activity (clicks and keys, shared by the
 * tabs of this browser). A closed tab stops refreshing and the server's deadline applies.
 */
export interface SessionExpiry {
  /** The session ends here without activity. */
  idleAt: number;
  /** The session ends here whatever happens. */
  absoluteAt: number;
  idleMs: number;
}

interface Deadlines {
  absoluteAt: number;
  absoluteIso: string;
  idleMs: number;
}

let deadlines: Deadlines | null = null;
let lastActivity = Date.now();
let expiry: SessionExpiry | null = null;
const expiryListeners = new Set<() => void>();

function publishExpiry() {
  expiry = deadlines ? { idleAt: lastActivity + deadlines.idleMs, absoluteAt: deadlines.absoluteAt, idleMs: deadlines.idleMs } : null;
  for (const l of expiryListeners) l();
}

export function useSessionExpiry(): SessionExpiry | null {
  return useSyncExternalStore(
    (l) => {
      expiryListeners.add(l);
      return () => expiryListeners.delete(l);
    },
    () => expiry,
  );
}

let lastShared = 0;
// The last activity in any tab of this browser, also kept in storage: a tab whose messages were
// held back (a frozen background tab, no BroadcastChannel) reads it before it signs anyone out.
const ACTIVITY_KEY = 'l1.last-activity';

function storedActivity(): number {
  try {
    const v = Number(localStorage.getItem(ACTIVITY_KEY));
    return Number.isFinite(v) ? v : 0;
  } catch {
    return 0;
  }
}

/** The user did something: the idle clock starts again (in every tab of this browser). */
export function markActivity(share = true): void {
  const now = Date.now();
  // Clicks and keys come in bursts: one update (and one message to other tabs) per few seconds.
  if (now - lastActivity < 2000 && expiry) return;
  lastActivity = now;
  publishExpiry();
  if (share) {
    try {
      localStorage.setItem(ACTIVITY_KEY, String(now));
    } catch {
      // Storage disabled: the message below still tells the other tabs.
    }
  }
  if (share && now - lastShared > 5000) {
    lastShared = now;
    channel?.postMessage('active');
  }
}

/**
 * Has this browser really been idle past the deadline? Another tab may have been used since this
 * one last heard of it: the stored time wins, and the deadline moves on instead of signing out.
 */
export function idleDeadlinePassed(now = Date.now()): boolean {
  const shared = storedActivity();
  if (shared > lastActivity) {
    lastActivity = shared;
    publishExpiry();
  }
  return !!expiry && expiry.idleAt < expiry.absoluteAt && now >= expiry.idleAt;
}

/** A session was granted or refreshed: its deadlines, with `absoluteIso` as the server said it. */
export function setDeadlines(next: Deadlines, absoluteIso: string): void {
  // The same session keeps the deadline it was first given on this clock: the skew between the
  // two clocks does not change, and re-deriving it on every refresh would only add jitter.
  deadlines = deadlines && deadlines.absoluteIso === absoluteIso ? { ...next, absoluteAt: deadlines.absoluteAt } : next;
  publishExpiry();
}

export function clearDeadlines(): void {
  deadlines = null;
  publishExpiry();
}

/** A fresh sign-in starts the idle clock now. */
export function restartIdleClock(): void {
  lastActivity = Date.now();
}
