import { type FormEvent, type ReactNode, useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Badge, Dialog, EmptyState, ErrorState, Field, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { ProposalReview_QueueQuery } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
import { humanize, pluralize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import '../l1/drafts.css';

const QueueDoc = graphql(`
  query ProposalReview_Queue {
    proposalReviewQueue {
      id
      title
      source
      status
      validatedByOutcome
      validatedAt
      createdAt
      rootNodeId
      createdBy {
        id
        name
      }
      nodes {
        id
        kind
        text
        yesLabel
        noLabel
        yesNext
        noNext
        next
      }
      issues {
        path
        message
      }
      ticket {
        id
        problemStatement
        customerName
      }
    }
  }
`);

const ApproveDoc = graphql(`
  mutation ProposalReview_Approve($proposalId: ID!, $title: String) {
    approveProposal(proposalId: $proposalId, title: $title) {
      __typename
      ... on FlowProposal {
        id
        status
        approvedFlow {
          id
          title
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const RejectDoc = graphql(`
  mutation ProposalReview_Reject($proposalId: ID!, $note: String) {
    rejectProposal(proposalId: $proposalId, note: $note) {
      __typename
      ... on FlowProposal {
        id
        status
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

type Proposal = ProposalReview_QueueQuery['proposalReviewQueue'][number];
type Node = Proposal['nodes'][number];

/** The tree as an outline from its root; a node reached twice is shown once and referenced after. */
export function TreePreview({ nodes, rootId }: { nodes: Node[]; rootId: string | null }) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const render = (id: string | null | undefined, label: string | null, depth: number): ReactNode => {
    if (!id) return null;
    const n = byId.get(id);
    const prefix = label ? <span className="tree-label">{label} →</span> : null;
    if (!n) {
      return (
        <li key={`${id}-${depth}-${label}`}>
          {prefix} <span className="field-error">missing node “{id}”</span>
        </li>
      );
    }
    if (seen.has(id) || depth > 30) {
      return (
        <li key={`${id}-${depth}-${label}`}>
          {prefix} <span className="muted">(see “{n.text.slice(0, 40)}”)</span>
        </li>
      );
    }
    seen.add(id);
    return (
      <li key={`${id}-${depth}-${label}`}>
        {prefix}{' '}
        <Badge tone={n.kind === 'RESOLUTION' ? 'green' : n.kind === 'ESCALATION' ? 'amber' : n.kind === 'QUESTION' ? 'blue' : 'gray'}>
          {humanize(n.kind)}
        </Badge>{' '}
        <span className="tree-text">{n.text}</span>
        {n.kind === 'QUESTION' && (
          <ul>
            {render(n.yesNext, n.yesLabel ?? 'Yes', depth + 1)}
            {render(n.noNext, n.noLabel ?? 'No', depth + 1)}
          </ul>
        )}
        {n.kind === 'INSTRUCTION' && <ul>{render(n.next, 'Then', depth + 1)}</ul>}
      </li>
    );
  };
  if (!rootId) return <p className="muted">No root node yet.</p>;
  return <ul className="tree">{render(rootId, null, 0)}</ul>;
}

function ApproveDialog({ proposal, onClose }: { proposal: Proposal | null; onClose: () => void }) {
  const [title, setTitle] = useState(proposal?.title ?? '');
  const [{ fetching }, approve] = useMutation(ApproveDoc);
  const toast = useToast();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!proposal) return;
    const r = await approve({ proposalId: proposal.id, title: title.trim() || null });
    const p = unwrap(r.data?.approveProposal, r.error, 'FlowProposal', toast.failure);
    if (p) {
      toast.success('Approved and published', p.approvedFlow ? `“${p.approvedFlow.title}” is now in the flow library.` : undefined);
      onClose();
    }
  };
  return (
    <Dialog open={!!proposal} title="Approve proposal" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <p className="muted">Approving publishes this tree as a new flow the desk can pick at intake.</p>
        <Field label="Flow title" htmlFor="approve-title">
          <input id="approve-title" value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={fetching}>
            Approve and publish
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RejectDialog({ proposal, onClose }: { proposal: Proposal | null; onClose: () => void }) {
  const [note, setNote] = useState('');
  const [{ fetching }, reject] = useMutation(RejectDoc);
  const toast = useToast();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!proposal) return;
    const r = await reject({ proposalId: proposal.id, note: note.trim() || null });
    if (unwrap(r.data?.rejectProposal, r.error, 'FlowProposal', toast.failure)) {
      toast.success('Proposal rejected');
      onClose();
    }
  };
  return (
    <Dialog open={!!proposal} title="Reject proposal" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <Field label="Note for the author (optional)" htmlFor="reject-note">
          <textarea id="reject-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={fetching}>
            Reject
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ProposalReviewPage() {
  useDocumentTitle('Proposal review');
  const [res, refetch] = useQuery({ query: QueueDoc });
  const [open, setOpen] = useState<string | null>(null);
  const [approving, setApproving] = useState<Proposal | null>(null);
  const [rejecting, setRejecting] = useState<Proposal | null>(null);
  const list = res.data?.proposalReviewQueue ?? [];
  return (
    <div className="page">
      <PageHeader title="Proposal review" subtitle="Draft trees awaiting review. Drafts a helpful walk validated come first." />
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <SkeletonRows rows={3} />
      ) : list.length === 0 ? (
        <EmptyState title="Nothing to review" icon="check">
          Drafts from AI builds, the KB accelerator and L1 notes appear here. You can also <Link to="/engineer/flows">author a flow</Link>.
        </EmptyState>
      ) : (
        <div className="card-list">
          {list.map((p) => (
            <article key={p.id} className="card proposal">
              <div className="escalation-head">
                <div className="escalation-main">
                  <div className="draft-title-row">
                    <button
                      type="button"
                      className="row-toggle"
                      aria-expanded={open === p.id}
                      onClick={() => setOpen(open === p.id ? null : p.id)}
                    >
                      <span className="escalation-title">{p.title}</span>
                    </button>
                    {p.validatedByOutcome && (
                      <Badge tone="green" title={p.validatedAt ? `Validated ${relativeTime(p.validatedAt)}` : undefined}>
                        ✓ Validated by outcome
                      </Badge>
                    )}
                  </div>
                  <div className="muted small">
                    {humanize(p.source)} · {pluralize(p.nodes.length, 'node')} · by {p.createdBy?.name ?? 'the system'}{' '}
                    {relativeTime(p.createdAt)}
                    {p.ticket ? ` · from “${p.ticket.problemStatement}”` : ''}
                  </div>
                  {p.issues.length > 0 && (
                    <div className="field-error small">
                      {pluralize(p.issues.length, 'issue')} block approval: {p.issues[0]!.message}
                    </div>
                  )}
                </div>
                <div className="escalation-side">
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(open === p.id ? null : p.id)}>
                    {open === p.id ? 'Hide tree' : 'Preview'}
                  </button>
                  <button type="button" className="btn btn-secondary btn-sm" onClick={() => setRejecting(p)}>
                    Reject
                  </button>
                  <button type="button" className="btn btn-primary btn-sm" disabled={p.issues.length > 0} onClick={() => setApproving(p)}>
                    Approve
                  </button>
                </div>
              </div>
              {open === p.id && <TreePreview nodes={p.nodes} rootId={p.rootNodeId} />}
            </article>
          ))}
        </div>
      )}
      <ApproveDialog key={approving?.id ?? 'none'} proposal={approving} onClose={() => setApproving(null)} />
      <RejectDialog key={rejecting?.id ?? 'none-r'} proposal={rejecting} onClose={() => setRejecting(null)} />
    </div>
  );
}
