import { type FormEvent, useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import { CharLimit, LIMITS, overBy } from '../../components/char-limit.tsx';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Card, Field } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { Dashboard_IntakeMutation, EscalationReason } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
import { type CallDetails, EscalateWithoutWalkDialog } from './escalate-without-walk.tsx';
import { FlowPicker, type Target } from './flow-picker.tsx';
import { IntakeOutcomePanel, type Outcome, type StartChoice } from './intake-outcome.tsx';
import type { IntakeNotice } from './walk/intake-notice.tsx';

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
        reason
        session {
          id
        }
        ticket {
          id
        }
        matchedFlow {
          id
          title
        }
        suggestions {
          score
          reason
          flow {
            id
            title
            description
          }
        }
        category {
          key
          label
          description
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

type Payload = Extract<Dashboard_IntakeMutation['intake'], { __typename: 'IntakePayload' }>;

// What the L1 typed survives a reload and every outcome screen until a walk starts or the call is
// escalated; per user (an idle sign-out keeps it for them) and forgotten at sign-out (lib/auth.ts).
const draftKey = (userId: string) => `l1.intake-draft.${userId}`;

interface Draft {
  customerName: string;
  customerContact: string;
  problem: string;
}

function readDraft(key: string): Draft {
  try {
    const d = JSON.parse(sessionStorage.getItem(key) ?? 'null') as Partial<Draft> | null;
    return { customerName: d?.customerName ?? '', customerContact: d?.customerContact ?? '', problem: d?.problem ?? '' };
  } catch {
    return { customerName: '', customerContact: '', problem: '' };
  }
}

export function IntakeCard() {
  const location = useLocation();
  const preset = (location.state as { proposal?: { id: string; title: string } } | null)?.proposal;
  const key = draftKey(useMe().id);
  const [draft, setDraft] = useState<Draft>(() => readDraft(key));
  const { customerName, customerContact, problem } = draft;
  const [target, setTarget] = useState<Target | null>(preset ? { kind: 'proposal', id: preset.id, title: preset.title } : null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [escalating, setEscalating] = useState<{ n: number; category?: EscalationReason }>({ n: 0 });
  const [{ fetching }, intake] = useMutation(IntakeDoc);
  const toast = useToast();
  const navigate = useNavigate();
  const tooLong = overBy(problem, LIMITS.problemStatement) > 0;

  useEffect(() => {
    try {
      if (draft.problem || draft.customerName || draft.customerContact) sessionStorage.setItem(key, JSON.stringify(draft));
      else sessionStorage.removeItem(key);
    } catch {
      // Storage disabled or full: the form still holds it while the page is open.
    }
  }, [draft, key]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const clearDraft = () => {
    try {
      sessionStorage.removeItem(key);
    } catch {
      // Nothing was kept.
    }
  };

  /** Intake with the typed details: matching (no choice), or straight to a flow, a draft or notes. */
  const start = async (choice: StartChoice) => {
    const r = await intake({
      problemStatement: problem.trim(),
      customerName: customerName.trim() || null,
      customerContact: customerContact.trim() || null,
      flowId: choice.kind === 'flow' ? choice.id : null,
      proposalId: choice.kind === 'proposal' ? choice.id : null,
      adhoc: choice.kind === 'notes' || null,
    });
    const p: Payload | null = unwrap(r.data?.intake, r.error, 'IntakePayload', toast.failure);
    if (!p) return;
    if (!p.session) {
      setOutcome(p);
      return;
    }
    clearDraft();
    const notice: IntakeNotice = {
      outcome: p.outcome,
      reason: p.reason,
      flowTitle: p.matchedFlow?.title ?? null,
      articlesFor: choice.kind === 'notes' && choice.withArticles ? problem.trim() : null,
    };
    navigate(`/l1/walk/${p.session.id}`, { state: { intake: notice } });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void start(target ? { kind: target.kind, id: target.id } : { kind: 'match' });
  };

  const details: CallDetails = { problem, customerName, customerContact };
  const escalate = (category?: EscalationReason) => setEscalating((s) => ({ n: s.n + 1, category }));

  return (
    <Card title="New call" className="intake-card">
      {outcome ? (
        <IntakeOutcomePanel
          outcome={outcome}
          details={details}
          busy={fetching}
          onStart={(c) => void start(c)}
          onEscalate={escalate}
          onBack={() => {
            setOutcome(null);
            // Back where the details are typed, with the problem ready to change.
            requestAnimationFrame(() => document.getElementById('problem')?.focus());
          }}
        />
      ) : (
        <form className="intake-form" onSubmit={submit}>
          <div className="grid-2">
            {/* Only the problem is needed to start: with a caller on the line, who they are can come later. */}
            <Field label="Customer (optional)" htmlFor="customer-name">
              <input
                id="customer-name"
                maxLength={200}
                value={customerName}
                onChange={(e) => set({ customerName: e.target.value })}
                placeholder="Name or company"
              />
            </Field>
            <Field label="Contact (optional)" htmlFor="customer-contact">
              <input
                id="customer-contact"
                maxLength={320}
                value={customerContact}
                onChange={(e) => set({ customerContact: e.target.value })}
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
              aria-invalid={tooLong || undefined}
              onChange={(e) => set({ problem: e.target.value })}
              placeholder="What is the customer reporting?"
            />
            <CharLimit id="problem-count" value={problem} max={LIMITS.problemStatement} showFrom={LIMITS.problemStatement * 0.8} />
          </Field>
          <div className="field">
            <label htmlFor="flow-search">Flow (optional)</label>
            <FlowPicker value={target} onChange={setTarget} />
            <div className="field-hint">Leave it empty and Start finds the flow or articles that fit what the caller said.</div>
          </div>
          <div className="form-actions intake-actions">
            <button type="button" className="btn btn-secondary" onClick={() => escalate()}>
              Escalate without a walk…
            </button>
            <span className="spacer" />
            <button
              type="button"
              className="btn btn-secondary"
              disabled={fetching || tooLong}
              onClick={() => void start({ kind: 'notes' })}
            >
              Take notes
            </button>
            <button type="submit" className="btn btn-primary" disabled={fetching || tooLong}>
              {fetching ? 'Starting…' : 'Start'}
            </button>
          </div>
        </form>
      )}
      <EscalateWithoutWalkDialog
        key={escalating.n}
        open={escalating.n > 0}
        onClose={() => setEscalating((s) => ({ n: 0, category: s.category }))}
        onEscalated={clearDraft}
        initial={{ ...details, category: escalating.category }}
      />
    </Card>
  );
}
