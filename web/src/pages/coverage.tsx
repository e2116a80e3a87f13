import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import { useMe } from '../components/me.tsx';
import { useResync } from '../components/resync.tsx';
import { TakeOverDialog } from '../components/takeover-dialog.tsx';
import { useToast } from '../components/toasts.tsx';
import { Avatar, Badge, Card, EmptyState, ErrorState, PageHeader, SkeletonRows } from '../components/ui.tsx';
import { graphql } from '../gql/index.ts';
import type { CoverageBoard_LiveSubscription } from '../gql/graphql.ts';
import { unwrap } from '../lib/errors.ts';
import { customerLabel, formatIdle, formatTime, humanize, pluralize } from '../lib/format.ts';
import { useDocumentTitle, useNow } from '../lib/hooks.ts';
import './coverage.css';

graphql(`
  fragment CoverageBoard_Walk on WalkSession {
    id
    version
    kind
    status
    title
    startedAt
    lastStepAt
    stepCount
    noteCount
    actingAs
    handBackRequestedAt
    releasedAt
    handler {
      id
      name
    }
    takenFrom {
      id
      name
    }
    currentNode {
      id
      kind
      text
    }
    ticket {
      id
      customerName
    }
  }
`);

const WalksDoc = graphql(`
  query CoverageBoard_Walks {
    activeWalks {
      ...CoverageBoard_Walk
    }
  }
`);

const LiveDoc = graphql(`
  subscription CoverageBoard_Live {
    activeWalks {
      change
      session {
        ...CoverageBoard_Walk
      }
    }
  }
`);

const TakeOverDoc = graphql(`
  mutation CoverageBoard_TakeOver($sessionId: ID!, $expectedVersion: Int) {
    takeOverWalk(sessionId: $sessionId, expectedVersion: $expectedVersion) {
      __typename
      ... on WalkSession {
        ...CoverageBoard_Walk
      }
      ... on Error {
        code
        message
      }
      ... on ConflictError {
        reason
      }
    }
  }
`);

type FeedEvent = CoverageBoard_LiveSubscription['activeWalks'] & { at: number };

const CHANGE_TEXT: Record<string, string> = {
  STARTED: 'started',
  STEPPED: 'answered a step on',
  NOTES: 'updated notes on',
  HANDOVER: 'is now handling',
  RELEASED: 'handed off to the desk',
  HANDBACK_REQUESTED: 'was asked to hand back',
  RESOLVED: 'resolved',
  ESCALATED: 'escalated',
  ABANDONED: 'abandoned (idle)',
};

function idleTone(ms: number): string {
  if (ms > 15 * 60_000) return 'idle-red';
  if (ms > 5 * 60_000) return 'idle-amber';
  return '';
}

/** Every active walk in the account, live: for coverers watching the desk. */
export function CoveragePage() {
  useDocumentTitle('Coverage board');
  const me = useMe();
  const toast = useToast();
  const navigate = useNavigate();
  const now = useNow(1000);
  const [res, refetch] = useQuery({ query: WalksDoc });
  const [feed] = useSubscription({ query: LiveDoc }, (prev: FeedEvent[] = [], data) =>
    [{ ...data.activeWalks, at: Date.now() }, ...prev].slice(0, 8),
  );
  const [{ fetching: taking }, takeOver] = useMutation(TakeOverDoc);
  // The feed has no replay: after a reconnect, reload the list.
  useResync(() => refetch({ requestPolicy: 'network-only' }));

  const [confirm, setConfirm] = useState<{ id: string; version: number; handler: string; customer: string | null } | null>(null);
  const walks = [...(res.data?.activeWalks ?? [])].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));

  const doTakeOver = async (id: string, version: number) => {
    const r = await takeOver({ sessionId: id, expectedVersion: version });
    setConfirm(null);
    if (unwrap(r.data?.takeOverWalk, r.error, 'WalkSession', toast.failure)) navigate(`/l1/walk/${id}`);
  };

  return (
    <div className="page">
      <PageHeader
        title="Coverage board"
        subtitle="Every call being walked right now. Watch a call to follow its steps live, or take it over."
        actions={
          <span className="live-indicator" title={feed.error ? 'Live updates paused' : 'Live'}>
            <span className={`dot ${feed.error ? 'dot-off' : 'dot-live'}`} aria-hidden="true" />
            {feed.error ? 'Reconnecting…' : 'Live'}
          </span>
        }
      />
      <div className="coverage-grid">
        <div className="table-wrap">
          {res.error && !res.data ? (
            <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
          ) : !res.data ? (
            <SkeletonRows rows={4} />
          ) : walks.length === 0 ? (
            <EmptyState title="No calls in progress" icon="clock">
              Walks appear here the moment someone starts one.
            </EmptyState>
          ) : (
            <table className="table" data-testid="coverage-table">
              <thead>
                <tr>
                  <th>Handling</th>
                  <th>Call</th>
                  <th>Current step</th>
                  <th className="num">Idle</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {walks.map((w) => {
                  const idle = now - Date.parse(w.lastStepAt);
                  const mine = w.handler.id === me.id;
                  return (
                    <tr key={w.id} data-walk-id={w.id}>
                      <td>
                        <span className="inline-person">
                          <Avatar name={w.handler.name} seed={w.handler.id} size="sm" />
                          <span>
                            {mine ? 'You' : <bdi>{w.handler.name}</bdi>}
                            {w.actingAs === 'l1_coverage' && (
                              <Badge tone="violet" title="Handled as L1 coverage">
                                coverage
                              </Badge>
                            )}
                            {w.takenFrom && (
                              <span className="cell-sub">taken over from {w.takenFrom.id === me.id ? 'you' : w.takenFrom.name}</span>
                            )}
                            {w.handBackRequestedAt && (
                              <Badge tone="amber" title={`${w.takenFrom?.name ?? 'The technician'} asked for this call back`}>
                                asked back
                              </Badge>
                            )}
                            {w.releasedAt && (
                              <Badge tone="blue" title="Handed off to the desk: any L1 tech may pick it up">
                                handed off
                              </Badge>
                            )}
                          </span>
                        </span>
                      </td>
                      <td>
                        <span className="cell-title">{w.title}</span>
                        <span className="cell-sub">
                          <Badge tone={w.kind === 'ADHOC' ? 'gray' : 'blue'}>{humanize(w.kind)}</Badge>{' '}
                          <bdi>{customerLabel(w.ticket?.customerName)}</bdi>
                        </span>
                      </td>
                      <td className="cell-step" data-testid="current-step-cell">
                        {w.kind === 'ADHOC' ? (
                          <span className="muted">{pluralize(w.noteCount, 'note')}</span>
                        ) : w.currentNode ? (
                          <>
                            <span className="clamp-2">{w.currentNode.text}</span>
                            <span className="cell-sub">Step {w.stepCount + 1}</span>
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className={`num idle ${idleTone(idle)}`} aria-label={`Idle for ${formatIdle(idle)}`}>
                        {formatIdle(idle)}
                      </td>
                      <td className="row-actions">
                        <Link to={`/l1/walk/${w.id}`} className="btn btn-secondary btn-sm">
                          Watch
                        </Link>
                        {!mine && (
                          <button
                            type="button"
                            className="btn btn-primary btn-sm"
                            disabled={taking}
                            onClick={() =>
                              setConfirm({
                                id: w.id,
                                version: w.version,
                                handler: w.handler.name,
                                customer: w.ticket?.customerName ?? null,
                              })
                            }
                          >
                            Take over
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
        <TakeOverDialog
          open={!!confirm}
          handlerName={confirm?.handler ?? ''}
          customer={confirm?.customer}
          coverer
          busy={taking}
          onConfirm={() => confirm && void doTakeOver(confirm.id, confirm.version)}
          onClose={() => setConfirm(null)}
        />
        <Card title="Live activity">
          {!feed.data?.length ? (
            <p className="muted small">Changes on the desk appear here as they happen.</p>
          ) : (
            <ul className="activity">
              {feed.data.map((e, i) => (
                <li key={`${e.session.id}-${e.session.version}-${i}`}>
                  <span className="activity-time">{formatTime(new Date(e.at).toISOString())}</span>
                  <span>
                    <strong>{e.session.handler.name}</strong> {CHANGE_TEXT[e.change] ?? humanize(e.change)} <em>{e.session.title}</em>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
