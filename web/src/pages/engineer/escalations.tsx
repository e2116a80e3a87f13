import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { useResync } from '../../components/resync.tsx';
import { Avatar, Badge, EmptyState, ErrorState, PageHeader, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { CustomerName } from '../../components/customer.tsx';
import { graphql } from '../../gql/index.ts';
import { unwrap } from '../../lib/errors.ts';
import { formatDateTime, humanize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { isAccountManager } from '../../lib/roles.ts';
import { handoffSize, type Ticket, Handoff } from './escalation-handoff.tsx';
import { ResolveEscalationDialog } from './resolve-escalation-dialog.tsx';

const ListDoc = graphql(`
  query Escalations_List($unclaimedOnly: Boolean) {
    escalations(unclaimedOnly: $unclaimedOnly, first: 50) {
      __typename
      ... on TicketPage {
        nodes {
          id
          status
          customerName
          customerContact
          problemStatement
          escalatedAt
          escalationReasonCategory
          escalationReason
          assignedEngineer {
            id
            name
          }
          handoff {
            problemStatement
            customerName
            customerContact
            flowTitle
            reason
            reasonCategory
            escalatedAt
            escalatedBy {
              id
              name
            }
            transcript {
              seq
              question
              answerLabel
              note
              at
            }
            notes {
              at
              content
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const ClaimDoc = graphql(`
  mutation Escalations_Claim($ticketId: ID!) {
    claimEscalation(ticketId: $ticketId) {
      __typename
      ... on InternalTicket {
        id
        status
        assignedEngineer {
          id
          name
        }
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

const ReleaseDoc = graphql(`
  mutation Escalations_Release($ticketId: ID!) {
    releaseEscalation(ticketId: $ticketId) {
      __typename
      ... on InternalTicket {
        id
        status
        assignedEngineer {
          id
          name
        }
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

const LiveDoc = graphql(`
  subscription Escalations_Live {
    escalations {
      change
      ticket {
        id
      }
    }
  }
`);

export function EscalationsPage() {
  useDocumentTitle('Escalations');
  const me = useMe();
  const toast = useToast();
  const [unclaimedOnly, setUnclaimedOnly] = useState(false);
  // A notification opens its escalation: ?ticket=<id> expands it, scrolls to it and marks it.
  const [params] = useSearchParams();
  const focus = params.get('ticket');
  const [open, setOpen] = useState<string | null>(focus);
  const [resolving, setResolving] = useState<Ticket | null>(null);
  const [res, refetch] = useQuery({ query: ListDoc, variables: { unclaimedOnly } });
  const [{ fetching: claiming }, claim] = useMutation(ClaimDoc);
  const [{ fetching: releasing }, release] = useMutation(ReleaseDoc);
  // Live: every raise, claim, release and resolve invalidates the list (lib/urql.ts), which refetches.
  const [live] = useSubscription({ query: LiveDoc });
  // The feed has no replay: after a reconnect, reload the list.
  useResync(() => refetch({ requestPolicy: 'network-only' }));
  const scrolled = useRef<string | null>(null);

  // A later notification (a new ?ticket=) opens its escalation too.
  const [seenFocus, setSeenFocus] = useState(focus);
  if (seenFocus !== focus) {
    setSeenFocus(focus);
    if (focus) setOpen(focus);
  }

  const page = res.data?.escalations.__typename === 'TicketPage' ? res.data.escalations : null;
  const focusShown = !!focus && !!page?.nodes.some((n) => n.id === focus);
  useEffect(() => {
    if (!focus || !focusShown || scrolled.current === focus) return;
    scrolled.current = focus;
    document.querySelector(`[data-ticket-id="${CSS.escape(focus)}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, focusShown]);
  const mayFinish = (t: Ticket) => t.assignedEngineer?.id === me.id || isAccountManager(me);

  return (
    <div className="page">
      <PageHeader
        title="Escalations"
        subtitle="Calls the desk handed to engineers, newest first, each with its handoff package."
        actions={
          <>
            <span className="live-indicator" title={live.error ? 'Live updates paused' : 'Live'}>
              <span className={`dot ${live.error ? 'dot-off' : 'dot-live'}`} aria-hidden="true" />
              {live.error ? 'Reconnecting…' : 'Live'}
            </span>
            <label className="switch">
              <input type="checkbox" checked={unclaimedOnly} onChange={(e) => setUnclaimedOnly(e.target.checked)} />
              <span>Unclaimed only</span>
            </label>
          </>
        }
      />
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <SkeletonRows rows={4} />
      ) : !page ? (
        <p className="muted">{res.data.escalations.__typename !== 'TicketPage' ? res.data.escalations.message : ''}</p>
      ) : page.nodes.length === 0 ? (
        <EmptyState title={unclaimedOnly ? 'Everything is claimed' : 'No escalations'} icon="check">
          Escalated calls arrive here with the transcript, notes and reason.
        </EmptyState>
      ) : (
        <div className="card-list" data-testid="escalations">
          {page.nodes.map((t) => {
            const expanded = open === t.id;
            return (
              <article
                key={t.id}
                className={`card escalation ${t.id === focus ? 'escalation-focus' : ''}`}
                data-testid="escalation"
                data-ticket-id={t.id}
              >
                <div className="escalation-head">
                  <div className="escalation-main">
                    <button type="button" className="row-toggle" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : t.id)}>
                      <span className="escalation-title">
                        <bdi>{t.problemStatement}</bdi>
                      </span>
                    </button>
                    <div className="muted small">
                      <CustomerName name={t.customerName} /> · escalated by <bdi>{t.handoff?.escalatedBy.name ?? 'the desk'}</bdi>{' '}
                      {relativeTime(t.escalatedAt)} ·{' '}
                      <span title={formatDateTime(t.escalatedAt)}>{humanize(t.escalationReasonCategory)}</span>
                      {t.handoff ? ` · ${handoffSize(t.handoff)}` : ''}
                    </div>
                  </div>
                  <div className="escalation-side">
                    <StatusBadge status={t.status} />
                    {t.assignedEngineer ? (
                      <>
                        <span className="inline-person" title={`Claimed by ${t.assignedEngineer.name}`}>
                          <Avatar name={t.assignedEngineer.name} seed={t.assignedEngineer.id} size="sm" />
                          {t.assignedEngineer.id === me.id ? 'You' : t.assignedEngineer.name}
                        </span>
                        {mayFinish(t) && (
                          <>
                            <button type="button" className="btn btn-primary btn-sm" onClick={() => setResolving(t)}>
                              Resolve…
                            </button>
                            <button
                              type="button"
                              className="btn btn-secondary btn-sm"
                              disabled={releasing}
                              onClick={async () => {
                                const r = await release({ ticketId: t.id });
                                if (unwrap(r.data?.releaseEscalation, r.error, 'InternalTicket', toast.failure)) {
                                  toast.success('Released', 'The escalation is back in the queue, unclaimed.');
                                }
                              }}
                            >
                              Release
                            </button>
                          </>
                        )}
                      </>
                    ) : (
                      <>
                        <Badge tone="amber">Unclaimed</Badge>
                        <button
                          type="button"
                          className="btn btn-primary btn-sm"
                          disabled={claiming}
                          onClick={async () => {
                            const r = await claim({ ticketId: t.id });
                            if (unwrap(r.data?.claimEscalation, r.error, 'InternalTicket', toast.failure))
                              toast.success('Claimed', 'The ticket is assigned to you.');
                          }}
                        >
                          Claim
                        </button>
                      </>
                    )}
                    <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(expanded ? null : t.id)}>
                      {expanded ? 'Hide handoff' : 'Handoff'}
                    </button>
                  </div>
                </div>
                {expanded && <Handoff t={t} />}
              </article>
            );
          })}
        </div>
      )}
      <ResolveEscalationDialog ticket={resolving} onClose={() => setResolving(null)} />
    </div>
  );
}
