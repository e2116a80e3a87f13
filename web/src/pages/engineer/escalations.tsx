import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Avatar, Badge, EmptyState, ErrorState, PageHeader, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { Escalations_ListQuery } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
import { formatDateTime, formatTime, humanize, pluralize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';

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

type Ticket = Extract<Escalations_ListQuery['escalations'], { __typename: 'TicketPage' }>['nodes'][number];

function Handoff({ t }: { t: Ticket }) {
  const h = t.handoff;
  if (!h) return <p className="muted">No handoff package was recorded for this ticket.</p>;
  return (
    <div className="handoff">
      <dl className="details">
        <dt>Contact</dt>
        <dd>
          <bdi>{h.customerName}</bdi> · <bdi>{h.customerContact}</bdi>
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

export function EscalationsPage() {
  useDocumentTitle('Escalations');
  const me = useMe();
  const toast = useToast();
  const [unclaimedOnly, setUnclaimedOnly] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [res, refetch] = useQuery({ query: ListDoc, variables: { unclaimedOnly } });
  const [{ fetching: claiming }, claim] = useMutation(ClaimDoc);

  // Escalations reach owners and admins through the bell (which refreshes this list); everyone
  // else sees new ones within half a minute.
  useEffect(() => {
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), 30_000);
    return () => clearInterval(t);
  }, [refetch]);

  const page = res.data?.escalations.__typename === 'TicketPage' ? res.data.escalations : null;

  return (
    <div className="page">
      <PageHeader
        title="Escalations"
        subtitle="Calls the desk handed to engineers, newest first, each with its handoff package."
        actions={
          <label className="switch">
            <input type="checkbox" checked={unclaimedOnly} onChange={(e) => setUnclaimedOnly(e.target.checked)} />
            <span>Unclaimed only</span>
          </label>
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
              <article key={t.id} className="card escalation" data-testid="escalation">
                <div className="escalation-head">
                  <div className="escalation-main">
                    <button type="button" className="row-toggle" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : t.id)}>
                      <span className="escalation-title">
                        <bdi>{t.problemStatement}</bdi>
                      </span>
                    </button>
                    <div className="muted small">
                      <bdi>{t.customerName}</bdi> · escalated by <bdi>{t.handoff?.escalatedBy.name ?? 'the desk'}</bdi> {relativeTime(t.escalatedAt)} ·{' '}
                      <span title={formatDateTime(t.escalatedAt)}>{humanize(t.escalationReasonCategory)}</span>
                      {t.handoff ? ` · ${pluralize(t.handoff.transcript.length, 'step')}` : ''}
                    </div>
                  </div>
                  <div className="escalation-side">
                    <StatusBadge status={t.status} />
                    {t.assignedEngineer ? (
                      <span className="inline-person" title={`Claimed by ${t.assignedEngineer.name}`}>
                        <Avatar name={t.assignedEngineer.name} seed={t.assignedEngineer.id} size="sm" />
                        {t.assignedEngineer.id === me.id ? 'You' : t.assignedEngineer.name}
                      </span>
                    ) : (
                      <>
                        <Badge tone="amber">Unclaimed</Badge>
                        <button
                          type="button"
                          className="btn btn-primary btn-sm"
                          disabled={claiming}
                          onClick={async () => {
                            const r = await claim({ ticketId: t.id });
                            if (unwrap(r.data?.claimEscalation, r.error, 'InternalTicket', toast.failure)) toast.success('Claimed', 'The ticket is assigned to you.');
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
    </div>
  );
}
