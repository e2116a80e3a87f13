import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ClampedText } from '../../components/clamped-text.tsx';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { useResync } from '../../components/resync.tsx';
import { Avatar, Badge, Dialog, EmptyState, ErrorState, Field, PageHeader, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { CustomerLine, CustomerName } from '../../components/customer.tsx';
import { graphql } from '../../gql/index.ts';
import type { Escalations_ListQuery } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
import { formatDateTime, formatTime, humanize, pluralize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { isAccountManager } from '../../lib/roles.ts';

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

const ResolveDoc = graphql(`
  mutation Escalations_Resolve($ticketId: ID!, $resolutionNotes: String!) {
    resolveEscalation(ticketId: $ticketId, resolutionNotes: $resolutionNotes) {
      __typename
      ... on InternalTicket {
        id
        status
        resolutionNotes
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

/** What the handoff holds: an ad-hoc call has notes, not steps ("0 steps" said nothing true). */
function handoffSize(h: { transcript: readonly unknown[]; notes: readonly unknown[] }): string {
  if (h.transcript.length === 0 && h.notes.length > 0) return pluralize(h.notes.length, 'note');
  if (h.transcript.length === 0) return 'escalated before any step';
  return pluralize(h.transcript.length, 'step');
}

type Ticket = Extract<Escalations_ListQuery['escalations'], { __typename: 'TicketPage' }>['nodes'][number];

function Handoff({ t }: { t: Ticket }) {
  const h = t.handoff;
  if (!h) return <p className="muted">No handoff package was recorded for this ticket.</p>;
  return (
    <div className="handoff">
      <dl className="details">
        <dt>Problem</dt>
        <dd>
          <ClampedText text={h.problemStatement} lines={6} />
        </dd>
        <dt>Contact</dt>
        <dd>
          <CustomerLine name={h.customerName} contact={h.customerContact} />
        </dd>
        <dt>Flow</dt>
        <dd>{h.flowTitle ?? 'No flow (ad hoc or escalated before a walk)'}</dd>
        <dt>Reason</dt>
        <dd>
          {humanize(h.reasonCategory)}
          {h.reason ? ` — ${h.reason}` : ''}
        </dd>
      </dl>
      {h.transcript.length > 0 && (
        <>
          <h3 className="subhead">Transcript</h3>
          <ol className="transcript transcript-compact">
            {h.transcript.map((s) => (
              <li key={s.seq} className="transcript-step">
                <span className="transcript-seq">{s.seq}</span>
                <div className="transcript-body">
                  <div className="transcript-question">{s.question}</div>
                  <div className="transcript-answer">
                    <span className="answer-pill">{s.answerLabel}</span>
                    <span className="muted">{formatTime(s.at)}</span>
                  </div>
                  {s.note && <div className="transcript-note">{s.note}</div>}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
      {h.notes.length > 0 && (
        <>
          <h3 className="subhead">Notes</h3>
          <ol className="notes notes-readonly">
            {h.notes.map((n, i) => (
              <li key={i} className="note">
                <time className="note-time">{formatTime(n.at)}</time>
                <div className="note-text pre-wrap">{n.content}</div>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

function ResolveEscalationDialog({ ticket, onClose }: { ticket: Ticket | null; onClose: () => void }) {
  const [notes, setNotes] = useState('');
  const [tried, setTried] = useState(false);
  const [{ fetching }, resolve] = useMutation(ResolveDoc);
  const toast = useToast();
  // A newly chosen ticket starts with an empty form (adjusted while rendering, not in an effect).
  const [shownFor, setShownFor] = useState(ticket);
  if (shownFor !== ticket) {
    setShownFor(ticket);
    if (ticket) {
      setNotes('');
      setTried(false);
    }
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!ticket || !notes.trim()) return;
    const r = await resolve({ ticketId: ticket.id, resolutionNotes: notes.trim() });
    if (unwrap(r.data?.resolveEscalation, r.error, 'InternalTicket', toast.failure)) {
      toast.success('Escalation resolved', 'The ticket is resolved with your notes.');
      onClose();
    }
  };
  return (
    <Dialog open={!!ticket} title="Resolve this escalation" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <p className="muted small clamp-2">{ticket?.problemStatement}</p>
        <Field label="Resolution notes" htmlFor="escalation-notes" error={tried && !notes.trim() ? 'Say briefly what fixed it.' : null}>
          <textarea id="escalation-notes" rows={4} value={notes} onChange={(e) => setNotes(e.target.value)} placeholder="What fixed it?" />
        </Field>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={fetching}>
            {fetching ? 'Resolving…' : 'Resolve ticket'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

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
