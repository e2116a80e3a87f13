import type { Context } from './context.ts';
import { InvalidCredentials, RateLimited, SessionRefused, ValidationError } from '../services/errors.ts';
import * as sessions from '../services/identity/sessions.ts';
import { loaders } from '../services/loaders.ts';
import { builder } from './builder.ts';

export const REFRESH_COOKIE = 'l1_refresh';

/** The refresh token travels in an HttpOnly, SameSite=Strict cookie scoped to the API path. */
export async function setRefreshCookie(ctx: Context, token: string | null, maxAgeSeconds = 0): Promise<void> {
  const store = (ctx.request as Request & { cookieStore?: CookieStoreLike }).cookieStore;
  if (!store) return;
  if (token === null) {
    await store.delete({ name: REFRESH_COOKIE, path: '/graphql' } as never);
    return;
  }
  await store.set({
    name: REFRESH_COOKIE,
    value: token,
    path: '/graphql',
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.deps.config.publicUrl.startsWith('https:'),
    expires: Date.now() + maxAgeSeconds * 1000,
    domain: null,
  } as never);
}

interface CookieStoreLike {
  get(name: string): Promise<{ value: string } | undefined>;
  set(init: unknown): Promise<void>;
  delete(init: unknown): Promise<void>;
}

/** A session as a payload; `echoRefreshToken` is set only where the client sent its refresh token as an argument. */
type SessionView = sessions.SessionTokens & { echoRefreshToken?: boolean };

export const SessionPayload = builder.objectRef<SessionView>('SessionPayload').implement({
  description: 'A signed-in session. The refresh token travels in an HttpOnly cookie that page scripts cannot read.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', { type: 'DateTime' }),
    idleExpiresAt: t.expose('idleExpiresAt', {
      type: 'DateTime',
      description: 'The session ends here unless it is refreshed first (the account’s idle timeout).',
    }),
    absoluteExpiresAt: t.expose('absoluteExpiresAt', {
      type: 'DateTime',
      description: 'The session ends here whatever happens (the account’s maximum session length); only a new sign-in goes past it.',
    }),
    idleSeconds: t.exposeInt('idleSeconds', { description: 'How long this session survives without activity.' }),
    refreshToken: t.string({
      nullable: true,
      description:
        'The rotated refresh token, only for a client that sent its refresh token as the `refreshToken` argument. Null otherwise: a token kept in the HttpOnly cookie is never handed to page script. A client without a cookie jar reads its first refresh token from the `l1_refresh` Set-Cookie header of `login`.',
      resolve: (p) => (p.echoRefreshToken ? p.refreshToken : null),
    }),
    user: t.prismaField({
      type: 'User',
      resolve: (query, p, _args, ctx) => ctx.deps.prisma.user.findUniqueOrThrow({ ...query, where: { id: p.userId } }),
    }),
  }),
});

builder.mutationField('login', (t) =>
  t.field({
    type: SessionPayload,
    args: {
      email: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
    },
    errors: { types: [ValidationError, InvalidCredentials, RateLimited] },
    resolve: async (_root, args, ctx) => {
      const tokens = await sessions.login(ctx, args);
      await setRefreshCookie(ctx, tokens.refreshToken, tokens.refreshTtlSeconds);
      return tokens;
    },
  }),
);

async function refreshCookie(ctx: Context): Promise<string | null> {
  const store = (ctx.request as Request & { cookieStore?: CookieStoreLike }).cookieStore;
  return (await store?.get(REFRESH_COOKIE))?.value ?? null;
}

builder.mutationField('refreshSession', (t) =>
  t.field({
    type: SessionPayload,
    description:
      'Rotates the refresh token (from the argument, or the HttpOnly cookie) and issues a new access token. A replayed token ends its session.',
    args: { refreshToken: t.arg.string({ required: false }) },
    errors: { types: [SessionRefused] },
    resolve: async (_root, args, ctx) => {
      try {
        const fromArgument = !!args.refreshToken;
        const tokens = await sessions.refresh(ctx, args.refreshToken || (await refreshCookie(ctx)));
        await setRefreshCookie(ctx, tokens.refreshToken, tokens.refreshTtlSeconds);
        return { ...tokens, echoRefreshToken: fromArgument };
      } catch (err) {
        if (err instanceof SessionRefused) await setRefreshCookie(ctx, null);
        throw err;
      }
    },
  }),
);

builder.mutationField('logout', (t) =>
  t.boolean({
    description: 'Ends this session (the access token’s, or the refresh token’s) and clears the cookie.',
    args: { refreshToken: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => {
      await sessions.logout(ctx, args.refreshToken ?? (await refreshCookie(ctx)));
      await setRefreshCookie(ctx, null);
      return true;
    },
  }),
);

const RevokeScopeEnum = builder.enumType('RevokeScope', {
  values: { ALL: { value: 'all' }, OTHERS: { value: 'others', description: 'Every session but the caller’s.' } } as const,
});

const RevokeSessionsPayload = builder.objectRef<{ revoked: number }>('RevokeSessionsPayload').implement({
  fields: (t) => ({ revoked: t.exposeInt('revoked', { description: 'Sessions ended by this call (0 when none were left).' }) }),
});

builder.mutationField('revokeSessions', (t) =>
  t.field({
    type: RevokeSessionsPayload,
    description: 'Owner: sign everyone in the account out, or everyone but yourself.',
    authScopes: { owner: true },
    args: { scope: t.arg({ type: RevokeScopeEnum, required: true }) },
    resolve: async (_root, args, ctx) => ({ revoked: await sessions.revokeSessions(ctx, args.scope) }),
  }),
);

const SignedInUser = builder.objectRef<sessions.SignedInUser>('SignedInUser').implement({
  description: 'A member with at least one live session.',
  fields: (t) => ({
    user: t.prismaField({
      type: 'User',
      resolve: async (_q, s, _a, ctx) => {
        const u = await loaders(ctx).user.load(s.userId);
        if (!u) throw new Error('signed-in user vanished');
        return u;
      },
    }),
    sessions: t.exposeInt('sessions', { description: 'Live sessions (browsers or devices).' }),
    lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', description: 'The most recent sign-in or refresh of any of them.' }),
    signedInAt: t.expose('signedInAt', { type: 'DateTime', description: 'When the oldest of them signed in.' }),
    isYou: t.boolean({
      description: 'The caller is this user.',
      resolve: (s, _a, ctx) => ctx.principal.kind === 'user' && ctx.principal.userId === s.userId,
    }),
  }),
});

builder.queryField('signedInUsers', (t) =>
  t.field({
    type: [SignedInUser],
    description: 'Who is signed in now (sessions neither revoked nor past a deadline), most recently active first.',
    authScopes: { accountManager: true },
    resolve: (_r, _a, ctx) => sessions.signedInUsers(ctx),
  }),
);
