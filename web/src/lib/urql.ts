import { type Cache, cacheExchange, type UpdatesConfig } from '@urql/exchange-graphcache';
import { createClient as createWsClient } from 'graphql-ws';
import { Client, type ExecutionResult, fetchExchange, subscriptionExchange } from 'urql';
import schema from 'virtual:graphql-schema';
import { graphql } from '../gql/index.ts';
import { currentToken, getAccessToken, refresh, sessionLost } from './auth.ts';

/*
 * The one urql client of the SPA: graphcache built from schema.graphql, HTTP with the in-memory
 * access token, and graphql-ws for live walks, the coverage board and the bell.
 */

const UnreadCountDoc = graphql(`
  query Cache_UnreadCount {
    unreadNotificationCount
  }
`);

/** Types without an id of their own are stored inside their parent. */
const EMBEDDED = [
  'ActiveWalkEvent',
  'ArchiveKbDocumentPayload',
  'AuditSubject',
  'ConflictError',
  'CreateInvitesPayload',
  'CreateKbDocumentPayload',
  'CreatedApiToken',
  'CreatedInvite',
  'DroppedL1Category',
  'DuplicateKbDocumentError',
  'EscalationEvent',
  'EscalationPayload',
  // A node id is unique only inside its own tree.
  'FlowNode',
  'FlowSuggestion',
  'Handoff',
  'HandoffStep',
  'ImportKbFilesPayload',
  'IntakePayload',
  'KbDocumentConnection',
  'KbFileResult',
  // A hit is a chunk's score and snippet for one query, not an entity of its own.
  'KbSearchHit',
  'L1Categories',
  'L1Category',
  'InvitePreview',
  'InvalidCredentials',
  'InviteInvalid',
  'MarkNotificationsReadPayload',
  'NotFoundError',
  'Onboarding',
  'PageInfo',
  'RateLimited',
  'RevokeSessionsPayload',
  'SeatCheck',
  'SecondsRange',
  'SeatLimitExceeded',
  'SeatUsage',
  'SessionPayload',
  'SessionPolicy',
  'SessionRefused',
  'SetL1CategoriesPayload',
  'SignedInUser',
  'TicketPage',
  'UpdateKbDocumentPayload',
  'ValidationError',
  'ValidationIssue',
  'WalkNote',
  'WalkWatcher',
];

const keys = Object.fromEntries(EMBEDDED.map((t) => [t, () => null]));

/** Drops every cached argument variant of these root fields; mounted queries refetch them. */
function invalidate(cache: Cache, ...fields: string[]) {
  for (const f of cache.inspectFields('Query')) {
    if (fields.includes(f.fieldName)) cache.invalidate('Query', f.fieldName, f.arguments ?? undefined);
  }
}

type Typed = { __typename?: string } | null | undefined;

/** Invalidate only when the mutation's result union came back as one of `ok`. */
function onSuccess(field: string, ok: string[], ...fields: string[]) {
  return (result: Record<string, unknown>, _args: unknown, cache: Cache) => {
    const v = result[field] as Typed;
    if (v?.__typename && ok.includes(v.__typename)) invalidate(cache, ...fields);
  };
}

const ENDED = new Set(['RESOLVED', 'ESCALATED', 'ABANDONED']);

const updates: UpdatesConfig = {
  Mutation: {
    intake: onSuccess('intake', ['IntakePayload'], 'l1Queue', 'myActiveWalks', 'onboarding'),
    recordStep: onSuccess('recordStep', ['WalkSession'], 'myActiveWalks'),
    updateWalkNotes: onSuccess('updateWalkNotes', ['WalkSession'], 'myActiveWalks'),
    resolveWalk: onSuccess('resolveWalk', ['WalkSession'], 'l1Queue', 'myActiveWalks', 'internalTicket'),
    escalateWalk: onSuccess('escalateWalk', ['EscalationPayload'], 'l1Queue', 'myActiveWalks', 'escalations', 'internalTicket'),
    escalateWithoutWalk: onSuccess('escalateWithoutWalk', ['EscalationPayload'], 'l1Queue', 'escalations'),
    takeOverWalk: onSuccess('takeOverWalk', ['WalkSession'], 'myActiveWalks'),
    claimEscalation: onSuccess('claimEscalation', ['InternalTicket'], 'escalations'),
    resolveEscalation: onSuccess('resolveEscalation', ['InternalTicket'], 'escalations', 'l1Queue'),
    releaseEscalation: onSuccess('releaseEscalation', ['InternalTicket'], 'escalations'),
    requestWalkBack: onSuccess('requestWalkBack', ['WalkSession'], 'myActiveWalks'),
    handBackWalk: onSuccess('handBackWalk', ['WalkSession'], 'myActiveWalks'),
    releaseWalk: onSuccess('releaseWalk', ['WalkSession'], 'myActiveWalks'),
    createFlow: onSuccess('createFlow', ['Flow'], 'flows'),
    publishFlow: onSuccess('publishFlow', ['Flow'], 'flows', 'onboarding'),
    archiveFlow: onSuccess('archiveFlow', ['Flow'], 'flows', 'onboarding'),
    approveProposal: onSuccess('approveProposal', ['FlowProposal'], 'proposalReviewQueue', 'flows', 'myDrafts', 'onboarding'),
    rejectProposal: onSuccess('rejectProposal', ['FlowProposal'], 'proposalReviewQueue', 'myDrafts'),
    changeUserRole: onSuccess('changeUserRole', ['User'], 'seatUsage', 'auditLog'),
    setUserCoverage: onSuccess('setUserCoverage', ['User'], 'auditLog'),
    deactivateUser: onSuccess('deactivateUser', ['User'], 'seatUsage', 'auditLog'),
    reactivateUser: onSuccess('reactivateUser', ['User'], 'seatUsage', 'auditLog'),
    createInvite: onSuccess('createInvite', ['CreatedInvite'], 'invites', 'auditLog', 'seatUsage'),
    resendInvite: onSuccess('resendInvite', ['CreatedInvite'], 'invites', 'auditLog', 'seatUsage'),
    revokeInvite: onSuccess('revokeInvite', ['Invite'], 'invites', 'auditLog', 'seatUsage'),
    createApiToken: onSuccess('createApiToken', ['CreatedApiToken'], 'apiTokens', 'auditLog'),
    revokeApiToken: onSuccess('revokeApiToken', ['ApiToken'], 'apiTokens', 'auditLog'),
    updateSessionPolicy: onSuccess('updateSessionPolicy', ['Account'], 'auditLog'),
    setL1Categories: onSuccess('setL1Categories', ['SetL1CategoriesPayload'], 'l1Categories', 'auditLog'),
    createKbDocument: onSuccess('createKbDocument', ['CreateKbDocumentPayload'], 'kbDocuments', 'kbSearch', 'onboarding'),
    updateKbDocument: onSuccess('updateKbDocument', ['UpdateKbDocumentPayload'], 'kbDocuments', 'kbSearch'),
    archiveKbDocument: onSuccess('archiveKbDocument', ['ArchiveKbDocumentPayload'], 'kbDocuments', 'kbSearch', 'onboarding'),
    markNotificationsRead(result, _args, cache) {
      const v = result.markNotificationsRead as { __typename?: string; unreadCount?: number } | null;
      if (v?.__typename !== 'MarkNotificationsReadPayload' || typeof v.unreadCount !== 'number') return;
      cache.updateQuery({ query: UnreadCountDoc }, () => ({ unreadNotificationCount: v.unreadCount! }));
      invalidate(cache, 'notifications');
    },
  },
  Subscription: {
    activeWalks(result, _args, cache) {
      const ev = result.activeWalks as { change?: string; session?: { __typename?: string; id?: string } } | null;
      if (!ev?.session || !ev.change) return;
      const key = cache.keyOfEntity(ev.session as { __typename: string; id: string });
      const list = cache.resolve('Query', 'activeWalks');
      if (!key || !Array.isArray(list)) return;
      const keys = list as string[];
      const has = keys.includes(key);
      if (ENDED.has(ev.change) && has)
        cache.link(
          'Query',
          'activeWalks',
          keys.filter((k) => k !== key),
        );
      else if (!ENDED.has(ev.change) && !has) cache.link('Query', 'activeWalks', [key, ...keys]);
    },
    // The engineers' queue changed (raised, claimed, released, resolved): lists refetch.
    escalations(result, _args, cache) {
      if (result.escalations) invalidate(cache, 'escalations');
    },
    notifications(result, _args, cache) {
      if (!result.notifications) return;
      cache.updateQuery({ query: UnreadCountDoc }, (data) => (data ? { unreadNotificationCount: data.unreadNotificationCount + 1 } : data));
      const kind = (result.notifications as { kind?: string }).kind;
      invalidate(
        cache,
        'notifications',
        ...(kind === 'escalation' ? ['escalations', 'l1Queue'] : []),
        // A call taken from me or handed back to me: "my walks" changed.
        ...(kind === 'walk_taken_over' || kind === 'walk_handed_back' ? ['myActiveWalks'] : []),
      );
    },
  },
};

type Listener = () => void;

export interface AppClient {
  client: Client;
  /** Called after the socket reconnected: feeds without replay should refetch. */
  onResync(listener: Listener): () => void;
  dispose(): void;
}

interface CloseLike {
  code: number;
  reason: string;
}

function isClose(e: unknown): e is CloseLike {
  return !!e && typeof e === 'object' && 'code' in e && 'reason' in e;
}

function hasCode(result: unknown, code: string): boolean {
  const errors = Array.isArray(result) ? result : (result as ExecutionResult | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => (e as { extensions?: { code?: string } })?.extensions?.code === code);
}

/** Adds the bearer token; on UNAUTHENTICATED refreshes once and retries. */
async function authedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const send = async (token: string | null) => {
    const headers = new Headers(init?.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers, credentials: 'same-origin' });
  };
  const res = await send(await getAccessToken());
  if (!(res.headers.get('content-type') ?? '').includes('json')) return res;
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as ExecutionResult | null;
  if (!hasCode(body, 'UNAUTHENTICATED')) return res;
  if (!(await refresh())) {
    sessionLost();
    return res;
  }
  return send(currentToken());
}

export function createAppClient(opts: { onPermissionsChanged: () => void }): AppClient {
  const resync = new Set<Listener>();
  const emitResync = () => {
    for (const l of resync) l();
  };
  let socketToken: string | null = null;

  const ws = createWsClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    lazy: true,
    retryAttempts: 10,
    shouldRetry: () => true,
    // A function, so every (re)connect presents the freshest token.
    connectionParams: async () => {
      socketToken = await getAccessToken();
      return socketToken ? { authorization: `Bearer ${socketToken}` } : {};
    },
    on: {
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) emitResync();
      },
      closed: (event) => {
        // 4403: role, coverage or activation changed; graphql-ws reconnects by itself.
        if (isClose(event) && event.code === 4403) opts.onPermissionsChanged();
      },
    },
  });

  const client = new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetch: authedFetch,
    exchanges: [
      cacheExchange({ schema, keys, updates }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              let stopped = false;
              let generation = 0;
              let stop = () => {};
              // graphql-ws treats 4401 as fatal; the server uses it for an expired token or a revoked
              // session. Refresh (unless a fresher token is already held) and subscribe again: a
              // walk's first event is its full state, and feeds refetch on resync. A RESUBSCRIBE
              // error (the server dropped a subscriber that fell behind) is handled the same way.
              const start = () => {
                const mine = ++generation;
                const current = () => !stopped && mine === generation;
                const restart = () => {
                  stop();
                  emitResync();
                  start();
                };
                stop = ws.subscribe<Record<string, unknown>>(payload, {
                  next(value) {
                    if (!current()) return;
                    if (hasCode(value, 'RESUBSCRIBE')) return restart();
                    sink.next(value as ExecutionResult);
                  },
                  error(err) {
                    if (!current()) return;
                    if (isClose(err) && err.code === 4401) {
                      const stale = socketToken !== null && socketToken === currentToken();
                      void (stale ? refresh() : Promise.resolve(currentToken() !== null)).then((ok) => {
                        if (!current()) return;
                        if (ok) return restart();
                        sessionLost();
                        sink.error(err);
                      });
                      return;
                    }
                    if (hasCode(err, 'RESUBSCRIBE')) return restart();
                    sink.error(err);
                  },
                  complete() {
                    if (current()) sink.complete();
                  },
                });
              };
              start();
              return {
                unsubscribe() {
                  stopped = true;
                  stop();
                },
              };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    onResync(listener) {
      resync.add(listener);
      return () => resync.delete(listener);
    },
    dispose() {
      resync.clear();
      void ws.dispose();
    },
  };
}
