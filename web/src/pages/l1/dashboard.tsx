import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { CharLimit, LIMITS, overBy } from '../../components/char-limit.tsx';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Badge, Card, Dialog, EmptyState, ErrorState, Field, Icon, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { CustomerName } from '../../components/customer.tsx';
import { graphql } from '../../gql/index.ts';
import type { TicketStatus } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
import { firstName, greeting, humanize, longDate, pluralize, relativeTime } from '../../lib/format.ts';
import { useDebounced, useDocumentTitle, useNow } from '../../lib/hooks.ts';
import { isCoverer, isEngineer } from '../../lib/roles.ts';
import { EscalateFields, type EscalateValues, escalateValid } from './escalate-form.tsx';

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

const FlowsDoc = graphql(`
  query Dashboard_Flows($search: String) {
    flows(search: $search, status: PUBLISHED) {
      id
      title
      description
    }
  }
`);

const IntakeDoc = graphql(`
  mutation Dashboard_Intake($problemStatement: String!, $customerName: String, $customerContact: String, $flowId: ID, $proposalId: ID) {
    intake(
      problemStatement: $problemStatement
      customerName: $customerName
      customerContact: $customerContact
      flowId: $flowId
      proposalId: $proposalId
    ) {
      __typename
      ... on IntakePayload {
        outcome
        session {
          id
        }
        ticket {
          id
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const EscalateNoWalkDoc = graphql(`
  mutation Dashboard_EscalateWithoutWalk(
    $problemStatement: String!
    $customerName: String
    $customerContact: String
    $reasonCategory: EscalationReason!
    $reason: String
  ) {
    escalateWithoutWalk(
      problemStatement: $problemStatement
      customerName: $customerName
      customerContact: $customerContact
      reasonCategory: $reasonCategory
      reason: $reason
    ) {
      __typename
      ... on EscalationPayload {
        notifiedCount
        warning
        session {
          id
        }
        ticket {
          id
          status
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

type Target = { kind: 'flow' | 'proposal'; id: string; title: string };

function FlowPicker({ value, onChange }: { value: Target | null; onChange: (t: Target | null) => void }) {
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const debounced = useDebounced(search.trim(), 200);
  const [res] = useQuery({ query: FlowsDoc, variables: { search: debounced || null }, pause: !open });
  const listId = useId();
  const flows = res.data?.flows ?? [];

  if (value) {
    return (
      <div className="picked">
        <Badge tone={value.kind === 'flow' ? 'green' : 'violet'}>{value.kind === 'flow' ? 'Flow' : 'Draft'}</Badge>
        <span className="picked-title">{value.title}</span>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange(null)} aria-label={`Remove ${value.title}`}>
          Change
        </button>
      </div>
    );
  }

  const choose = (i: number) => {
    const f = flows[i];
    if (!f) return;
    onChange({ kind: 'flow', id: f.id, title: f.title });
    setOpen(false);
    setSearch('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, flows.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter' && open && flows.length) {
      e.preventDefault();
      choose(active);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  return (
    <div className="combobox">
      <input
        id="flow-search"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && flows[active] ? `${listId}-${active}` : undefined}
        placeholder="Search published flows…"
        value={search}
        onChange={(e) => {
          setSearch(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKey}
        autoComplete="off"
      />
      {open && (
        <ul className="combobox-list" id={listId} role="listbox" aria-label="Published flows">
          {res.fetching && !res.data ? (
            <li className="combobox-empty">Searching…</li>
          ) : flows.length === 0 ? (
            <li className="combobox-empty">{debounced ? `No published flow matches “${debounced}”` : 'No published flows yet'}</li>
          ) : (
            flows.map((f, i) => (
              <li
                key={f.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={`combobox-option ${i === active ? 'combobox-option-active' : ''}`}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(i);
                }}
                onMouseEnter={() => setActive(i)}
              >
                <span className="combobox-title">{f.title}</span>
                {f.description && <span className="combobox-desc">{f.description}</span>}
              </li>
            ))
          )}
        </ul>
      )}
    </div>
  );
}

function IntakeCard() {
  const location = useLocation();
  const preset = (location.state as { proposal?: { id: string; title: string } } | null)?.proposal;
  const [customerName, setCustomerName] = useState('');
  const [customerContact, setCustomerContact] = useState('');
  const [problem, setProblem] = useState('');
  const [target, setTarget] = useState<Target | null>(preset ? { kind: 'proposal', id: preset.id, title: preset.title } : null);
  const [escalating, setEscalating] = useState(0);
  const [{ fetching }, intake] = useMutation(IntakeDoc);
  const toast = useToast();
  const navigate = useNavigate();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await intake({
      problemStatement: problem.trim(),
      customerName: customerName.trim() || null,
      customerContact: customerContact.trim() || null,
      flowId: target?.kind === 'flow' ? target.id : null,
      proposalId: target?.kind === 'proposal' ? target.id : null,
    });
    const p = unwrap(r.data?.intake, r.error, 'IntakePayload', toast.failure);
    if (p) navigate(`/l1/walk/${p.session.id}`);
  };

  return (
    <Card title="New call" className="intake-card">
      <form className="intake-form" onSubmit={submit}>
        <div className="grid-2">
          {/* Only the problem is needed to start: with a caller on the line, who they are can come later. */}
          <Field label="Customer (optional)" htmlFor="customer-name">
            <input
              id="customer-name"
              maxLength={200}
              value={customerName}
              onChange={(e) => setCustomerName(e.target.value)}
              placeholder="Name or company"
            />
          </Field>
          <Field label="Contact (optional)" htmlFor="customer-contact">
            <input
              id="customer-contact"
              maxLength={320}
              value={customerContact}
              onChange={(e) => setCustomerContact(e.target.value)}
              placeholder="Email or phone"
            />
          </Field>
        </div>
        <Field label="Problem" htmlFor="problem">
          <textarea
            id="problem"
            required
            rows={3}
            value={problem}
            aria-describedby="problem-count"
            aria-invalid={overBy(problem, LIMITS.problemStatement) > 0 || undefined}
            onChange={(e) => setProblem(e.target.value)}
            placeholder="What is the customer reporting?"
          />
          <CharLimit id="problem-count" value={problem} max={LIMITS.problemStatement} showFrom={LIMITS.problemStatement * 0.8} />
        </Field>
        <div className="field">
          <label htmlFor="flow-search">Flow (optional)</label>
          <FlowPicker value={target} onChange={setTarget} />
          <div className="field-hint">Without a flow you take timestamped notes (ad hoc).</div>
        </div>
        <div className="form-actions">
          <button type="button" className="btn btn-secondary" onClick={() => setEscalating((n) => n + 1)}>
            Escalate without a walk…
          </button>
          <button type="submit" className="btn btn-primary" disabled={fetching || overBy(problem, LIMITS.problemStatement) > 0}>
            {fetching ? 'Starting…' : 'Start'}
          </button>
        </div>
      </form>
      <EscalateWithoutWalkDialog
        key={escalating}
        open={escalating > 0}
        onClose={() => setEscalating(0)}
        initial={{ problem, customerName, customerContact }}
      />
    </Card>
  );
}

interface CallDetails {
  problem: string;
  customerName: string;
  customerContact: string;
}
const NO_DETAILS: CallDetails = { problem: '', customerName: '', customerContact: '' };

/**
 * Hands a call to engineers before any walk (nothing to walk, or plainly not for L1). The server
 * records it as an escalated ad-hoc walk, which opens afterwards as the call's record.
 */
function EscalateWithoutWalkDialog({ open, onClose, initial = NO_DETAILS }: { open: boolean; onClose: () => void; initial?: CallDetails }) {
  const [customerName, setCustomerName] = useState(initial.customerName);
  const [customerContact, setCustomerContact] = useState(initial.customerContact);
  const [problem, setProblem] = useState(initial.problem);
  const [esc, setEsc] = useState<EscalateValues>({ category: 'NO_KB_AVAILABLE', reason: '' });
  const [tried, setTried] = useState(false);
  const [{ fetching }, escalate] = useMutation(EscalateNoWalkDoc);
  const toast = useToast();
  const navigate = useNavigate();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!escalateValid(esc)) return;
    const r = await escalate({
      problemStatement: problem.trim(),
      customerName: customerName.trim() || null,
      customerContact: customerContact.trim() || null,
      reasonCategory: esc.category,
      reason: esc.reason.trim() || null,
    });
    const p = unwrap(r.data?.escalateWithoutWalk, r.error, 'EscalationPayload', toast.failure);
    if (!p) return;
    if (p.warning) toast.info('Escalated', p.warning);
    else toast.success('Escalated to engineers', `${pluralize(p.notifiedCount, 'person', 'people')} notified.`);
    onClose();
    if (p.session) navigate(`/l1/walk/${p.session.id}`);
  };
  return (
    <Dialog open={open} title="Escalate without a walk" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <div className="grid-2">
          <Field label="Customer (optional)" htmlFor="nw-name">
            <input id="nw-name" maxLength={200} value={customerName} onChange={(e) => setCustomerName(e.target.value)} />
          </Field>
          <Field label="Contact (optional)" htmlFor="nw-contact">
            <input id="nw-contact" maxLength={320} value={customerContact} onChange={(e) => setCustomerContact(e.target.value)} />
          </Field>
        </div>
        <Field label="Problem" htmlFor="nw-problem">
          <textarea
            id="nw-problem"
            required
            rows={3}
            value={problem}
            aria-describedby="nw-problem-count"
            aria-invalid={overBy(problem, LIMITS.problemStatement) > 0 || undefined}
            onChange={(e) => setProblem(e.target.value)}
          />
          <CharLimit id="nw-problem-count" value={problem} max={LIMITS.problemStatement} showFrom={LIMITS.problemStatement * 0.8} />
        </Field>
        <EscalateFields value={esc} onChange={setEsc} showErrors={tried} hint="The account’s engineers are notified with these details." />
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-warning" disabled={fetching || overBy(problem, LIMITS.problemStatement) > 0}>
            {fetching ? 'Escalating…' : 'Escalate'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

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
              Calls can still be taken as ad-hoc notes, but L1 techs work faster with a guided flow. Publish a first flow, or escalate calls
              straight to engineers while the knowledge base is being built.
            </p>
            <div className="setup-actions">
              {isEngineer(me) && (
                <Link to="/engineer/flows?new=1" className="btn btn-primary">
                  Create a flow
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
              <li>or connect the company knowledge base.</li>
            </ul>
            <p className="muted">Until then, start calls without a flow to take timestamped notes, and escalate what you can’t solve.</p>
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
