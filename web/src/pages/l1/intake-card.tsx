import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { CharLimit, LIMITS, overBy } from '../../components/char-limit.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Badge, Card, Field } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { unwrap } from '../../lib/errors.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { EscalateWithoutWalkDialog } from './escalate-without-walk.tsx';

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
  mutation Dashboard_Intake(
    $problemStatement: String!
    $customerName: String
    $customerContact: String
    $flowId: ID
    $proposalId: ID
    $adhoc: Boolean
  ) {
    intake(
      problemStatement: $problemStatement
      customerName: $customerName
      customerContact: $customerContact
      flowId: $flowId
      proposalId: $proposalId
      adhoc: $adhoc
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

export function IntakeCard() {
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
      // Without a flow or a draft the L1 takes notes; matching the problem to a flow is the SPA helper's screen.
      adhoc: !target,
    });
    const p = unwrap(r.data?.intake, r.error, 'IntakePayload', toast.failure);
    if (p?.session) navigate(`/l1/walk/${p.session.id}`);
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
