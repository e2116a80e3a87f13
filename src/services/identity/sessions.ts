// The session services, one module per part of a session's life; callers import them as one namespace.
export { login, type SessionTokens, startSession } from './sign-in.ts';
export { logout, refresh } from './refresh.ts';
export { revokeSessions, type SignedInUser, signedInUsers } from './session-admin.ts';
export {
  ABSOLUTE_BOUNDS,
  DEFAULT_ABSOLUTE_SECONDS,
  DEFAULT_IDLE_SECONDS,
  effectivePolicy,
  IDLE_BOUNDS,
  updateSessionPolicy,
} from './session-policy.ts';
