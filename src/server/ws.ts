import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { CloseCode, type Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Deps } from '../deps.ts';
import { topics } from '../services/live/event-bus.ts';
import { type Credentials, parseCredentials } from '../services/identity/principal.ts';
import { lookUpPrincipal, type Yoga } from './graphql.ts';

export interface SocketServer {
  wss: WebSocketServer;
  /** Open sockets per user on this instance (tests and metrics). */
  count(): number;
  close(): Promise<void>;
}

type SocketExtra = {
  id?: string;
  credentials?: Credentials;
};

type RootValue = {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
};

interface Tracked {
  socket: WebSocket;
  sessionId: string;
  expiry: NodeJS.Timeout;
}

/** Close codes a client can act on: 4401 → refresh the token and reconnect; 4403 → permissions changed. */
export const CLOSE = {
  expired: { code: CloseCode.Unauthorized, reason: 'Access token expired' },
  revoked: { code: CloseCode.Unauthorized, reason: 'Session revoked' },
  permissions: { code: CloseCode.Forbidden, reason: 'Permissions changed' },
} as const;

function tokenFrom(params: Record<string, unknown> | undefined): string | null {
  const raw = params?.authorization ?? params?.Authorization ?? params?.accessToken;
  if (typeof raw !== 'string' || !raw) return null;
  return /^bearer\s/i.test(raw) ? raw : `Bearer ${raw}`;
}

/**
 * graphql-ws on the same port and path as HTTP. Operations are built through yoga's envelop, so
 * scopes, the tenant scope and error masking apply exactly as over HTTP. The access token comes in
 * connectionParams; the socket closes when it expires, when its session is revoked, and when the
 * user's role, coverage or activation changes (the client reconnects and is authorized afresh).
 */
export function attachWebSockets(server: http.Server, yoga: Yoga, deps: Deps): SocketServer {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024 });
  const byUser = new Map<string, Map<string, Tracked>>();
  const listeners = new Map<string, Promise<() => void>>();

  const onAuthEvent = (userId: string, payload: unknown) => {
    const e = payload as { kind?: string; sessionIds?: string[] };
    const sockets = byUser.get(userId);
    if (!sockets) return;
    for (const t of [...sockets.values()]) {
      if (e.kind === 'session_revoked') {
        if (e.sessionIds?.includes(t.sessionId)) t.socket.close(CLOSE.revoked.code, CLOSE.revoked.reason);
      } else {
        t.socket.close(CLOSE.permissions.code, CLOSE.permissions.reason);
      }
    }
  };

  const track = (userId: string, socketId: string, t: Tracked) => {
    let m = byUser.get(userId);
    if (!m) byUser.set(userId, (m = new Map()));
    m.set(socketId, t);
    if (!listeners.has(userId))
      listeners.set(
        userId,
        deps.events.listen(topics.userAuth(userId), (p) => onAuthEvent(userId, p)),
      );
  };

  const untrack = (userId: string, socketId: string) => {
    const m = byUser.get(userId);
    const t = m?.get(socketId);
    if (t) clearTimeout(t.expiry);
    m?.delete(socketId);
    if (m && m.size === 0) {
      byUser.delete(userId);
      const off = listeners.get(userId);
      listeners.delete(userId);
      void off?.then((f) => f());
    }
  };

  const disposable = useServer<Record<string, unknown>, SocketExtra>(
    {
      execute: (args) => (args.rootValue as RootValue).execute(args) as never,
      subscribe: (args) => (args.rootValue as RootValue).subscribe(args) as never,
      onConnect: async (ctx: WsContext<Record<string, unknown>, SocketExtra>) => {
        const credentials = await parseCredentials(tokenFrom(ctx.connectionParams), (t) => deps.jwt.verifyAccess(t));
        // Live features are for signed-in people; API tokens read seat usage over HTTP only.
        if (credentials.kind !== 'jwt') return false;
        const socket = (ctx.extra as unknown as { socket: WebSocket }).socket;
        // A token outlives its session by up to its TTL: ask whether the session is still on.
        const principal = await lookUpPrincipal(deps, credentials).catch(() => null);
        if (!principal) {
          // The database did not answer: a transient refusal the client retries.
          socket.close(1013, 'Try again later');
          return false;
        }
        if (principal.kind !== 'user') {
          socket.close(CLOSE.revoked.code, CLOSE.revoked.reason);
          return false;
        }
        const socketId = randomUUID();
        ctx.extra.id = socketId;
        ctx.extra.credentials = credentials;
        const msLeft = credentials.claims.exp * 1000 - deps.clock.now().getTime();
        // Not unref'd: on Node 20 an unref'd timer of a length no other timer has leaves its
        // internal list behind once cleared (~160 B per socket, seen in the soak). Every timer is
        // cleared when its socket closes, and at shutdown all sockets close.
        const expiry = setTimeout(() => socket.close(CLOSE.expired.code, CLOSE.expired.reason), Math.max(0, Math.min(msLeft, 2 ** 31 - 1)));
        track(credentials.claims.sub, socketId, { socket, sessionId: credentials.claims.sid, expiry });
        return true;
      },
      onClose: (ctx) => {
        const c = ctx.extra.credentials;
        if (c?.kind === 'jwt' && ctx.extra.id) untrack(c.claims.sub, ctx.extra.id);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          req: ctx.extra.request,
          socket: { id: ctx.extra.id!, credentials: ctx.extra.credentials! },
          params: payload,
        } as never);
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as never];
        }
        const errors = validate(schema, document);
        if (errors.length) return errors;
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      },
    },
    wss,
  );

  return {
    wss,
    count: () => [...byUser.values()].reduce((n, m) => n + m.size, 0),
    close: async () => {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const off of listeners.values()) void off.then((f) => f());
      listeners.clear();
    },
  };
}
