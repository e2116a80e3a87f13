import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Dialog, EmptyState, ErrorState, Field, PageHeader, SkeletonRows, StatusBadge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { FlowStatus } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
import { humanize, relativeTime } from '../../lib/format.ts';
import { useDebounced, useDocumentTitle } from '../../lib/hooks.ts';

const FlowsDoc = graphql(`
  query FlowLibrary_Flows($search: String, $status: FlowStatus) {
    flows(search: $search, status: $status) {
      id
      title
      description
      status
      versionCount
      updatedAt
      draftIssues {
        path
        message
      }
      createdBy {
        id
        name
      }
    }
  }
`);

const CreateDoc = graphql(`
  mutation FlowLibrary_Create($title: String!, $description: String) {
    createFlow(title: $title, description: $description) {
      __typename
      ... on Flow {
        id
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const FILTERS: Array<FlowStatus | null> = [null, 'PUBLISHED', 'DRAFT', 'ARCHIVED'];

function CreateFlowDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [{ fetching }, create] = useMutation(CreateDoc);
  const toast = useToast();
  const navigate = useNavigate();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create({ title: title.trim(), description: description.trim() || null });
    const flow = unwrap(r.data?.createFlow, r.error, 'Flow', toast.failure);
    if (flow) navigate(`/engineer/flows/${flow.id}`);
  };
  return (
    <Dialog open={open} title="New flow" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <Field label="Title" htmlFor="flow-title" hint="What the L1 searches for, e.g. “Printer offline”.">
          <input id="flow-title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Description (optional)" htmlFor="flow-desc">
          <textarea id="flow-desc" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={fetching}>
            Create and edit
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function FlowLibraryPage() {
  useDocumentTitle('Flow library');
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<FlowStatus | null>(null);
  const debounced = useDebounced(search.trim(), 250);
  const [res, refetch] = useQuery({ query: FlowsDoc, variables: { search: debounced || null, status } });
  const creating = params.get('new') === '1';
  const flows = res.data?.flows ?? [];
  return (
    <div className="page">
      <PageHeader
        title="Flow library"
        subtitle="Decision trees the desk walks. Published versions are immutable; walks in progress keep the version they started on."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setParams({ new: '1' })}>
            New flow
          </button>
        }
      />
      <div className="toolbar">
        <input
          className="search"
          type="search"
          placeholder="Search flows…"
          aria-label="Search flows"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <div className="segmented" role="tablist" aria-label="Filter by status">
          {FILTERS.map((s) => (
            <button
              key={s ?? 'all'}
              type="button"
              role="tab"
              aria-selected={status === s}
              className={status === s ? 'active' : ''}
              onClick={() => setStatus(s)}
            >
              {s ? humanize(s) : 'All'}
            </button>
          ))}
        </div>
      </div>
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <SkeletonRows rows={4} />
      ) : flows.length === 0 ? (
        <EmptyState title={debounced ? 'No flow matches' : 'No flows yet'} icon="flow">
          {debounced ? 'Try another search.' : 'Create the first flow so the desk can walk calls step by step.'}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Flow</th>
                <th>Status</th>
                <th className="num">Versions</th>
                <th>Draft</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {flows.map((f) => (
                <tr key={f.id}>
                  <td>
                    <Link to={`/engineer/flows/${f.id}`} className="cell-title link">
                      {f.title}
                    </Link>
                    {f.description && <span className="cell-sub clamp-1">{f.description}</span>}
                  </td>
                  <td>
                    <StatusBadge status={f.status} />
                  </td>
                  <td className="num">{f.versionCount}</td>
                  <td>
                    {f.draftIssues?.length ? (
                      <span className="text-amber">{f.draftIssues.length} to fix</span>
                    ) : (
                      <span className="muted">Ready</span>
                    )}
                  </td>
                  <td>{relativeTime(f.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateFlowDialog open={creating} onClose={() => setParams({})} />
    </div>
  );
}
