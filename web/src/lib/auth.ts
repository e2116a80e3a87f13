import { useSyncExternalStore } from 'react';
import { Client, fetchExchange } from 'urql';
import { graphql } from '../gql/index.ts';
import type { AccountRole, Auth_SessionFragment } from '../gql/graphql.ts';
import { channel } from './auth-channel.ts';
import { localExpiry, needsRefresh, refreshDelay, sessionDeadlines } from './auth-timing.ts';
import { clearDeadlines, markActivity, restartIdleClock, setDeadlines } from './session-expiry.ts';

/*
 * The session: the access token lives in memory only; the refresh token is an HttpOnly cookie the
 * API sets (Path=/graphql). Refresh tokens rotate and a replayed one ends the whole session, so
 * refreshes are single-flight within the tab and serialised across tabs with a Web Lock.
 */

graphql(`
  fragment Auth_Session on SessionPayload {
    accessToken
    accessTokenExpiresAt
    idleExpiresAt
    absoluteExpiresAt
    idleSeconds
    user {
      id
      name
    }
  }
`);

const LoginDoc = graphql(`
  mutation Auth_Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on SessionPayload {
        ...Auth_Session
      }
      ... on Error {
        code
        message
      }
      ... on RateLimited {
        retryAfterSeconds
      }
    }
  }
`);

const RefreshDoc = graphql(`
  mutation Auth_Refresh {
    refreshSession {
      __typename
      ... on SessionPayload {
        ...Auth_Session
      }
      ... on SessionRefused {
        code
        message
      }
    }
  }
`);

const LogoutDoc = graphql(`
  mutation Auth_Logout {
    logout
  }
`);

const AcceptInviteDoc = graphql(`
  mutation Auth_AcceptInvite($token: String!, $name: String!, $password: String!) {
    acceptInvite(token: $token, name: $name, password: $password) {
      __typename
      ... on SessionPayload {
        ...Auth_Session
      }
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on SeatLimitExceeded {
        current
        limit
      }
    }
  }
`);

const InvitePreviewDoc = graphql(`
  query Auth_InvitePreview($token: String!) {
    invitePreview(token: $token) {
      __typename
      ... on InvitePreview {
        accountName
        email
        role
        inviterName
        expiresAt
      }
      ... on InviteInvalid {
        code
        message
      }
    }
  }
`);

export type InvitePreviewResult =
  | { ok: true; accountName: string; email: string; role: AccountRole; inviterName: string | null; expiresAt: string }
  | { ok: false; code: string; message: string };

/** What an invite link leads to (team, role, inviter), before anyone signs up. */
export async function previewInvite(inviteToken: string): Promise<InvitePreviewResult> {
  const r = await authClient.query(InvitePreviewDoc, { token: inviteToken }).toPromise();
  const v = r.data?.invitePreview;
  if (!v) return { ok: false, code: 'network', message: 'Could not reach the server. Check your connection and try again.' };
  if (v.__typename === 'InvitePreview') return { ok: true, ...v };
  return { ok: false, code: v.code, message: v.message };
}

export type SignedOutReason = 'expired' | 'idle' | 'renew' | 'revoked' | 'signed-out' | 'unreachable' | null;

export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason: SignedOutReason }
  | { status: 'signed-in'; userId: string; name: string; epoch: number };

/** Talks to the API without the app cache: sign-in, refresh, sign-out. */
const authClient = new Client({
  url: '/graphql',
  exchanges: [fetchExchange],
  preferGetMethod: false,
  requestPolicy: 'network-only',
  fetchOptions: { credentials: 'same-origin' },
});

let state: AuthState = { status: 'loading' };
let token: { value: string; expiresAt: number } | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<boolean> | null = null;
let epoch = 0;
const listeners = new Set<() => void>();

function setState(next: AuthState) {
  state = next;
  for (const l of listeners) l();
}

export function getAuthState(): AuthState {
  return state;
}

export function subscribeAuth(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useAuth(): AuthState {
  return useSyncExternalStore(subscribeAuth, getAuthState);
}

function applySession(s: Auth_SessionFragment) {
  const now = Date.now();
  const expiresAt = localExpiry(s.accessToken, s.accessTokenExpiresAt, now);
  token = { value: s.accessToken, expiresAt };
  setDeadlines(sessionDeadlines(s, expiresAt), s.absoluteExpiresAt);
  clearTimeout(timer);
  timer = setTimeout(() => void refresh(), refreshDelay(expiresAt, Date.now()));
  if (state.status !== 'signed-in' || state.userId !== s.user.id) {
    epoch += 1;
    setState({ status: 'signed-in', userId: s.user.id, name: s.user.name, epoch });
  }
}

let endings = 0;

function endSession(reason: SignedOutReason, broadcast = false) {
  endings += 1;
  clearTimeout(timer);
  token = null;
  clearDeadlines();
  setState({ status: 'signed-out', reason });
  if (broadcast) channel?.postMessage('signed-out');
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return fn();
  return locks.request('l1-auth-refresh', fn) as Promise<T>;
}

async function doRefresh(): Promise<boolean> {
  const started = endings;
  const r = await authClient.mutation(RefreshDoc, {}).toPromise();
  // Signed out while the refresh was on its way (an idle timeout, the sign-out button): its new
  // tokens belong to a session that is being ended and must not sign this tab back in.
  if (endings !== started) return false;
  const v = r.data?.refreshSession;
  if (!v) {
    // The API could not be reached: keep a session we have (the next call retries), but do not
    // pretend to be signed in on a cold start.
    if (state.status === 'loading') setState({ status: 'signed-out', reason: 'unreachable' });
    return false;
  }
  if (v.__typename === 'SessionPayload') {
    applySession(v);
    return true;
  }
  const expired = v.code === 'session_expired_idle' || v.code === 'session_expired_absolute';
  endSession(expired ? 'expired' : state.status === 'signed-in' ? 'revoked' : null);
  return false;
}

/** Rotates the refresh cookie for a new access token. Resolves false when the session is over. */
export function refresh(): Promise<boolean> {
  inflight ??= withLock(doRefresh)
    .catch(() => false)
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

/** The access token to send, refreshed first when it is about to expire. */
export async function getAccessToken(): Promise<string | null> {
  if (token && !needsRefresh(token.expiresAt, Date.now())) return token.value;
  if (state.status !== 'signed-in') return token?.value ?? null;
  await refresh();
  return token?.value ?? null;
}

/** The token currently held, without refreshing (to tell whether a socket used a stale one). */
export function currentToken(): string | null {
  return token?.value ?? null;
}

export type SignInResult = { ok: true } | { ok: false; code: string; message: string; retryAfterSeconds?: number };

export async function signIn(email: string, password: string): Promise<SignInResult> {
  const r = await authClient.mutation(LoginDoc, { email, password }).toPromise();
  const v = r.data?.login;
  if (!v) return { ok: false, code: 'network', message: 'Could not reach the server. Check your connection and try again.' };
  if (v.__typename === 'SessionPayload') {
    restartIdleClock();
    applySession(v);
    channel?.postMessage('signed-in');
    return { ok: true };
  }
  return {
    ok: false,
    code: v.code,
    message: v.message,
    retryAfterSeconds: v.__typename === 'RateLimited' ? v.retryAfterSeconds : undefined,
  };
}

export type AcceptInviteResult =
  { ok: true } | { ok: false; code: string; message: string; issues?: Array<{ path: string[]; message: string }> };

export async function acceptInvite(inviteToken: string, name: string, password: string): Promise<AcceptInviteResult> {
  const r = await authClient.mutation(AcceptInviteDoc, { token: inviteToken, name, password }).toPromise();
  const v = r.data?.acceptInvite;
  if (!v) return { ok: false, code: 'network', message: 'Could not reach the server. Check your connection and try again.' };
  if (v.__typename === 'SessionPayload') {
    applySession(v);
    return { ok: true };
  }
  return { ok: false, code: v.code, message: v.message, issues: v.__typename === 'ValidationError' ? v.issues : undefined };
}

/**
 * Notes kept in this browser for unsaved walks (pages/l1/walk-notes.tsx) go when the person signs
 * out; an idle or revoked session keeps them (keyed by user, they are offered to that user only).
 */
function forgetKeptNotes(): void {
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith('l1.walk-notes.')) localStorage.removeItem(k);
    // The new-call form's unsent details (pages/l1/intake-card.tsx) too.
    for (const k of Object.keys(sessionStorage)) if (k.startsWith('l1.intake-draft.')) sessionStorage.removeItem(k);
  } catch {
    // Storage disabled: nothing was kept.
  }
}

export async function signOut(reason: SignedOutReason = 'signed-out'): Promise<void> {
  const t = token?.value;
  if (reason === 'signed-out') forgetKeptNotes();
  // Signed out here first, so the live socket closes on our side before the server revokes the
  // session under it (which would otherwise surface as a failed subscription).
  endSession(reason, true);
  await authClient
    .mutation(LogoutDoc, {}, { fetchOptions: { credentials: 'same-origin', headers: t ? { authorization: `Bearer ${t}` } : {} } })
    .toPromise()
    .catch(() => undefined);
}

/** The API refused our credentials and a refresh could not fix it. */
export function sessionLost(): void {
  if (state.status === 'signed-in') endSession('revoked');
}

/** Called once on page load: a silent refresh from the cookie decides whether we are signed in. */
export function bootstrapAuth(): void {
  void refresh();
  channel?.addEventListener('message', (e: MessageEvent) => {
    if (e.data === 'signed-out' && state.status === 'signed-in') endSession('signed-out');
    if (e.data === 'signed-in' && state.status === 'signed-out') void refresh();
    if (e.data === 'active') markActivity(false);
  });
  for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const) {
    window.addEventListener(
      type,
      (e) => {
        // The expiry notice's own button decides what a press there means (refresh, or sign in).
        if (e.target instanceof Element && e.target.closest('[data-session-notice]')) return;
        markActivity();
      },
      { passive: true, capture: true },
    );
  }
  // Timers are throttled in background tabs and stop during sleep: check on return.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.status === 'signed-in' && token && needsRefresh(token.expiresAt, Date.now())) {
      void refresh();
    }
  });
}
