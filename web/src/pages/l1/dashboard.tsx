import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { useMe } from '../../components/me.tsx';
import { Badge, Card, EmptyState, ErrorState, Icon, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { CustomerName } from '../../components/customer.tsx';
import { graphql } from '../../gql/index.ts';
import type { TicketStatus } from '../../gql/graphql.ts';
import { firstName, greeting, humanize, longDate, pluralize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle, useNow } from '../../lib/hooks.ts';
import { isCoverer, isEngineer } from '../../lib/roles.ts';
import { IntakeCard } from './intake-card.tsx';
import { EscalateWithoutWalkDialog } from './escalate-without-walk.tsx';
import './dashboard.css';

const DataDoc = graphql(`
  query Dashboard_Data {
    onboarding {
      needsSetup
      publishedFlows
      hasKnowledgeBase
    }
    myActiveWalks {
      id
      kind
      title
      stepCount
      noteCount
      lastStepAt
      ticket {
        id
        customerName
        problemStatement
      }
    }
  }
`);

const QueueDoc = graphql(`
  query Dashboard_Queue($status: TicketStatus) {
    l1Queue(status: $status, first: 8) {
      __typename
      ... on TicketPage {
        nodes {
          id
          customerName
          problemStatement
          status
          createdAt
          createdBy {
            id
            name
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

function SetupCard() {
  const me = useMe();
  const [escalating, setEscalating] = useState(false);
  const manager = me.role !== 'L1_TECH';
  return (
    <section className="card setup-card" data-testid="setup-card">
      <div className="setup-icon">
        <Icon name="spark" size={20} />
      </div>
      <div className="setup-body">
        <h2>Your desk has no flows yet</h2>
        {manager ? (
          <>
            <p>
              Calls can still be taken as notes, but L1 techs work faster with a guided flow or the team’s articles. Publish a first flow,
              add articles to the knowledge base, or escalate calls straight to engineers meanwhile.
            </p>
            <div className="setup-actions">
              {isEngineer(me) && (
                <Link to="/engineer/flows?new=1" className="btn btn-primary">
                  Create a flow
                </Link>
              )}
              {isEngineer(me) && (
                <Link to="/kb/import" className="btn btn-secondary">
                  Import articles
                </Link>
              )}
              <button type="button" className="btn btn-secondary" onClick={() => setEscalating(true)}>
                Escalate without a walk
              </button>
            </div>
          </>
        ) : (
          <>
            <p>There is no published flow or knowledge base to guide calls yet. Ask your admin to:</p>
            <ul className="checklist">
              <li>publish a first troubleshooting flow (engineers author them in the flow library),</li>
              <li>or add the team’s troubleshooting articles to the knowledge base.</li>
            </ul>
            <p className="muted">Until then, use Take notes to write timestamped notes on a call, and escalate what you can’t solve.</p>
            <div className="setup-actions">
              <button type="button" className="btn btn-secondary" onClick={() => setEscalating(true)}>
                Escalate without a walk
              </button>
            </div>
          </>
        )}
      </div>
      <EscalateWithoutWalkDialog open={escalating} onClose={() => setEscalating(false)} />
    </section>
  );
}

function ResumeCard() {
  const [res, refetch] = useQuery({ query: DataDoc });
  const now = useNow(30_000);
  const walks = res.data?.myActiveWalks ?? [];
  return (
    <Card title="Resume in progress" actions={walks.length ? <Badge tone="violet">{walks.length}</Badge> : null}>
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <SkeletonRows rows={2} />
      ) : walks.length === 0 ? (
        <EmptyState title="Nothing in progress" icon="check">
          Walks you start appear here until they are resolved or escalated.
        </EmptyState>
      ) : (
        <ul className="list">
          {walks.map((w) => (
            <li key={w.id}>
              <Link className="list-row" to={`/l1/walk/${w.id}`}>
                <div className="list-main">
                  <span className="list-title">{w.title}</span>
                  <span className="list-sub">
                    <CustomerName name={w.ticket?.customerName} /> ·{' '}
                    {w.kind === 'ADHOC' ? pluralize(w.noteCount, 'note') : pluralize(w.stepCount, 'step')}
                  </span>
                </div>
                <span className="list-meta">{relativeTime(w.lastStepAt, now)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function QueueCard() {
  const [status, setStatus] = useState<TicketStatus>('OPEN');
  const [res, refetch] = useQuery({ query: QueueDoc, variables: { status } });
  const page = res.data?.l1Queue.__typename === 'TicketPage' ? res.data.l1Queue : null;
  const tabs: TicketStatus[] = ['OPEN', 'WALKING'];
  return (
    <Card
      title="Queue"
      actions={
        <div className="segmented" role="tablist" aria-label="Ticket status">
          {tabs.map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={status === t}
              className={status === t ? 'active' : ''}
              onClick={() => setStatus(t)}
            >
              {humanize(t)}
            </button>
          ))}
        </div>
      }
    >
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <SkeletonRows rows={3} />
      ) : !page || page.nodes.length === 0 ? (
        <EmptyState title={status === 'OPEN' ? 'No open tickets' : 'No calls being walked'} icon="check">
          {status === 'OPEN' ? 'Tickets waiting for a walk show up here.' : 'Calls in progress across the desk show up here.'}
        </EmptyState>
      ) : (
        <ul className="list">
          {page.nodes.map((t) => (
            <li key={t.id} className="list-row">
              <div className="list-main">
                <span className="list-title">
                  <bdi>{t.problemStatement}</bdi>
                </span>
                <span className="list-sub">
                  <CustomerName name={t.customerName} /> · opened by <bdi>{t.createdBy?.name ?? 'someone'}</bdi>
                </span>
              </div>
              <StatusBadge status={t.status} />
              <span className="list-meta">{relativeTime(t.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="card-footer">
        <Link to={`/l1/tickets?status=${status}`}>All tickets →</Link>
      </div>
    </Card>
  );
}

export function DashboardPage() {
  useDocumentTitle('Dashboard');
  const me = useMe();
  const [data] = useQuery({ query: DataDoc });
  const now = new Date();
  return (
    <div className="page">
      <header className="page-header greeting">
        <div>
          <p className="eyebrow">{longDate(now)}</p>
          <h1>
            {greeting(now.getHours())}, {firstName(me.name)}
          </h1>
        </div>
      </header>
      {isCoverer(me) && (
        <div className="banner banner-coverage" role="note">
          <strong>Covering the L1 desk.</strong> Calls you take here are recorded as coverage in the audit log.
        </div>
      )}
      {data.data?.onboarding.needsSetup && <SetupCard />}
      <div className="dashboard-grid">
        <div className="stack-lg">
          <IntakeCard />
          <QueueCard />
        </div>
        <div className="stack-lg">
          <ResumeCard />
        </div>
      </div>
    </div>
  );
}
