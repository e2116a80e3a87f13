import { useEffect, useMemo, useState } from 'react';
import { Link, useBlocker, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Badge, Card, Dialog, EmptyState, ErrorState, Loading, StatusBadge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { FlowEditor_FlowFragment, FlowNodeKind } from '../../gql/graphql.ts';
import { issuesByNode, unwrap } from '../../lib/errors.ts';
import { formatDateTime, humanize, pluralize } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';

graphql(`
  fragment FlowEditor_Flow on Flow {
    id
    title
    description
    status
    versionCount
    updatedAt
    archivedAt
    draftRootNodeId
    draftNodes {
      id
      kind
      text
      yesLabel
      noLabel
      yesNext
      noNext
      next
    }
    draftIssues {
      path
      message
    }
    latestVersion {
      id
      version
      publishedAt
    }
  }
`);

const FlowDoc = graphql(`
  query FlowEditor_Load($id: ID!) {
    flow(id: $id) {
      __typename
      ...FlowEditor_Flow
      ... on Error {
        code
        message
      }
    }
  }
`);

const SaveDoc = graphql(`
  mutation FlowEditor_Save($flowId: ID!, $nodes: [FlowNodeInput!]!, $rootNodeId: String, $title: String, $description: String) {
    saveFlowDraft(flowId: $flowId, nodes: $nodes, rootNodeId: $rootNodeId, title: $title, description: $description) {
      __typename
      ...FlowEditor_Flow
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
    }
  }
`);

const PublishDoc = graphql(`
  mutation FlowEditor_Publish($flowId: ID!) {
    publishFlow(flowId: $flowId) {
      __typename
      ...FlowEditor_Flow
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
    }
  }
`);

const ArchiveDoc = graphql(`
  mutation FlowEditor_Archive($flowId: ID!) {
    archiveFlow(flowId: $flowId) {
      __typename
      ...FlowEditor_Flow
      ... on Error {
        code
        message
      }
    }
  }
`);

interface EditNode {
  id: string;
  kind: FlowNodeKind;
  text: string;
  yesLabel: string;
  noLabel: string;
  yesNext: string;
  noNext: string;
  next: string;
}

type Issue = { path: readonly string[]; message: string };

const KINDS: Array<{ value: FlowNodeKind; label: string }> = [
  { value: 'QUESTION', label: 'Question' },
  { value: 'INSTRUCTION', label: 'Instruction' },
  { value: 'RESOLUTION', label: 'Resolution (end)' },
  { value: 'ESCALATION', label: 'Escalation (end)' },
];

function fromServer(flow: FlowEditor_FlowFragment): EditNode[] {
  return (flow.draftNodes ?? []).map((n) => ({
    id: n.id,
    kind: n.kind,
    text: n.text,
    yesLabel: n.yesLabel ?? '',
    noLabel: n.noLabel ?? '',
    yesNext: n.yesNext ?? '',
    noNext: n.noNext ?? '',
    next: n.next ?? '',
  }));
}

function toInput(n: EditNode) {
  const base = { id: n.id, kind: n.kind, text: n.text };
  if (n.kind === 'QUESTION')
    return { ...base, yesLabel: n.yesLabel, noLabel: n.noLabel, yesNext: n.yesNext || null, noNext: n.noNext || null };
  if (n.kind === 'INSTRUCTION') return { ...base, next: n.next || null };
  return base;
}

function nextId(nodes: EditNode[]): string {
  let i = nodes.length + 1;
  while (nodes.some((n) => n.id === `step-${i}`)) i++;
  return `step-${i}`;
}

function NodeSelect({
  id,
  value,
  nodes,
  self,
  onChange,
  invalid,
}: {
  id: string;
  value: string;
  nodes: EditNode[];
  self: string;
  onChange: (v: string) => void;
  invalid: boolean;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid}>
      <option value="">— choose the next node —</option>
      {nodes
        .filter((n) => n.id !== self)
        .map((n) => (
          <option key={n.id} value={n.id}>
            {n.id}: {n.text.slice(0, 60) || humanize(n.kind)}
          </option>
        ))}
    </select>
  );
}

function FieldIssues({ issues }: { issues: Array<{ field: string | null; message: string }> | undefined }) {
  if (!issues?.length) return null;
  return (
    <ul className="field-error issue-list">
      {issues.map((i, k) => (
        <li key={k}>{i.message}</li>
      ))}
    </ul>
  );
}

function NodeCard({
  node,
  nodes,
  isRoot,
  issues,
  onChange,
  onRemove,
  onMakeRoot,
}: {
  node: EditNode;
  nodes: EditNode[];
  isRoot: boolean;
  issues: Array<{ field: string | null; message: string }>;
  onChange: (n: EditNode) => void;
  onRemove: () => void;
  onMakeRoot: () => void;
}) {
  const of = (field: string) => issues.filter((i) => i.field === field);
  const known = new Set(['text', 'yesLabel', 'noLabel', 'yesNext', 'noNext', 'next']);
  const general = issues.filter((i) => !i.field || !known.has(i.field));
  const fid = (f: string) => `node-${node.id}-${f}`;
  return (
    <section
      className={`card node-card node-${node.kind.toLowerCase()} ${issues.length ? 'node-invalid' : ''}`}
      data-node-id={node.id}
      aria-label={`Node ${node.id}`}
    >
      <div className="node-head">
        <code className="node-id">{node.id}</code>
        {isRoot ? (
          <Badge tone="violet">Root</Badge>
        ) : (
          <button type="button" className="btn btn-ghost btn-sm" onClick={onMakeRoot}>
            Make root
          </button>
        )}
        <select aria-label="Kind" value={node.kind} onChange={(e) => onChange({ ...node, kind: e.target.value as FlowNodeKind })}>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <span className="spacer" />
        {issues.length > 0 && <Badge tone="red">{issues.length === 1 ? '1 issue' : `${issues.length} issues`}</Badge>}
        <button type="button" className="icon-btn" aria-label={`Delete node ${node.id}`} onClick={onRemove}>
          ×
        </button>
      </div>
      <FieldIssues issues={general} />
      <div className={`field ${of('text').length ? 'field-invalid' : ''}`}>
        <label htmlFor={fid('text')}>
          {node.kind === 'QUESTION' ? 'Question' : node.kind === 'INSTRUCTION' ? 'Instruction' : 'Message'}
        </label>
        <textarea id={fid('text')} rows={2} value={node.text} onChange={(e) => onChange({ ...node, text: e.target.value })} />
        <FieldIssues issues={of('text')} />
      </div>
      {node.kind === 'QUESTION' && (
        <div className="grid-2">
          <div className={`field ${of('yesLabel').length || of('yesNext').length ? 'field-invalid' : ''}`}>
            <label htmlFor={fid('yesLabel')}>First answer (Yes) label</label>
            <input
              id={fid('yesLabel')}
              value={node.yesLabel}
              placeholder="e.g. It opens"
              onChange={(e) => onChange({ ...node, yesLabel: e.target.value })}
            />
            <FieldIssues issues={of('yesLabel')} />
            <label htmlFor={fid('yesNext')} className="sub-label">
              then go to
            </label>
            <NodeSelect
              id={fid('yesNext')}
              value={node.yesNext}
              nodes={nodes}
              self={node.id}
              invalid={of('yesNext').length > 0}
              onChange={(v) => onChange({ ...node, yesNext: v })}
            />
            <FieldIssues issues={of('yesNext')} />
          </div>
          <div className={`field ${of('noLabel').length || of('noNext').length ? 'field-invalid' : ''}`}>
            <label htmlFor={fid('noLabel')}>Second answer (No) label</label>
            <input
              id={fid('noLabel')}
              value={node.noLabel}
              placeholder="e.g. It won’t open"
              onChange={(e) => onChange({ ...node, noLabel: e.target.value })}
            />
            <FieldIssues issues={of('noLabel')} />
            <label htmlFor={fid('noNext')} className="sub-label">
              then go to
            </label>
            <NodeSelect
              id={fid('noNext')}
              value={node.noNext}
              nodes={nodes}
              self={node.id}
              invalid={of('noNext').length > 0}
              onChange={(v) => onChange({ ...node, noNext: v })}
            />
            <FieldIssues issues={of('noNext')} />
          </div>
        </div>
      )}
      {node.kind === 'INSTRUCTION' && (
        <div className={`field ${of('next').length ? 'field-invalid' : ''}`}>
          <label htmlFor={fid('next')}>Then go to</label>
          <NodeSelect
            id={fid('next')}
            value={node.next}
            nodes={nodes}
            self={node.id}
            invalid={of('next').length > 0}
            onChange={(v) => onChange({ ...node, next: v })}
          />
          <FieldIssues issues={of('next')} />
        </div>
      )}
    </section>
  );
}

function Editor({ flow }: { flow: FlowEditor_FlowFragment }) {
  const toast = useToast();
  const [title, setTitle] = useState(flow.title);
  const [description, setDescription] = useState(flow.description);
  const [nodes, setNodes] = useState<EditNode[]>(() => fromServer(flow));
  const [root, setRoot] = useState(flow.draftRootNodeId ?? '');
  const [dirty, setDirty] = useState(false);
  const [publishIssues, setPublishIssues] = useState<Issue[] | null>(null);
  const [{ fetching: saving }, save] = useMutation(SaveDoc);
  const [{ fetching: publishing }, publish] = useMutation(PublishDoc);
  const [{ fetching: archiving }, archive] = useMutation(ArchiveDoc);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  // The browser asks on reload or close (above); a link inside the app asks here.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);

  // Issues shown are the server's: from the last save, or from a refused publish.
  const issues: Issue[] = useMemo(() => publishIssues ?? flow.draftIssues ?? [], [publishIssues, flow.draftIssues]);
  const { byNode, general } = useMemo(() => issuesByNode(issues), [issues]);

  const edit = (fn: (ns: EditNode[]) => EditNode[]) => {
    setNodes(fn);
    setDirty(true);
  };

  const doSave = async (): Promise<boolean> => {
    const r = await save({
      flowId: flow.id,
      nodes: nodes.map(toInput),
      rootNodeId: root || null,
      title: title.trim(),
      description: description.trim(),
    });
    const saved = unwrap(r.data?.saveFlowDraft, r.error, 'Flow', toast.failure);
    if (!saved) {
      const v = r.data?.saveFlowDraft;
      if (v?.__typename === 'ValidationError') setPublishIssues(v.issues);
      return false;
    }
    setPublishIssues(null);
    setDirty(false);
    return true;
  };

  const doPublish = async () => {
    if (dirty && !(await doSave())) return;
    const r = await publish({ flowId: flow.id });
    const v = r.data?.publishFlow;
    if (v?.__typename === 'ValidationError') {
      setPublishIssues(v.issues);
      toast.failure({
        code: v.code,
        title: 'Not ready to publish',
        message: `${pluralize(v.issues.length, 'problem')} to fix first; each is shown on its node.`,
      });
      return;
    }
    const published = unwrap(v, r.error, 'Flow', toast.failure);
    if (published) {
      setPublishIssues(null);
      toast.success(`Published version ${published.latestVersion?.version ?? ''}`.trim(), 'New walks on this flow use it from now on.');
    }
  };

  const doArchive = async () => {
    if (!window.confirm(`Archive “${flow.title}”? L1s will no longer be able to start it. Walks in progress finish normally.`)) return;
    const r = await archive({ flowId: flow.id });
    if (unwrap(r.data?.archiveFlow, r.error, 'Flow', toast.failure)) toast.success('Flow archived');
  };

  const addNode = (kind: FlowNodeKind) => {
    const id = nextId(nodes);
    edit((ns) => [...ns, { id, kind, text: '', yesLabel: '', noLabel: '', yesNext: '', noNext: '', next: '' }]);
    if (!root) setRoot(id);
    setTimeout(() => document.getElementById(`node-${id}-text`)?.focus(), 0);
  };

  const leaveDialog = (
    <Dialog
      open={blocker.state === 'blocked'}
      title="Leave without saving?"
      onClose={() => blocker.reset?.()}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={() => blocker.reset?.()}>
            Stay and keep editing
          </button>
          <button type="button" className="btn btn-secondary" onClick={() => blocker.proceed?.()}>
            Discard changes
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={saving}
            onClick={async () => {
              if (await doSave()) blocker.proceed?.();
              else blocker.reset?.();
            }}
          >
            Save draft and leave
          </button>
        </>
      }
    >
      <p>This flow has changes that are not saved yet. They are lost if you leave now.</p>
    </Dialog>
  );

  return (
    <div className="page flow-editor">
      {leaveDialog}
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/engineer/flows">Flow library</Link>
        <span aria-hidden="true">/</span>
        <span>{flow.title}</span>
      </nav>
      <header className="page-header">
        <div className="grow">
          <input
            className="title-input"
            aria-label="Flow title"
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              setDirty(true);
            }}
          />
          <p className="page-subtitle">
            <StatusBadge status={flow.status} />{' '}
            {flow.latestVersion
              ? `Version ${flow.latestVersion.version} published ${formatDateTime(flow.latestVersion.publishedAt)}`
              : 'Never published'}
            {' · '}
            {dirty ? <span className="text-amber">Unsaved changes</span> : <span className="muted">Draft saved</span>}
          </p>
        </div>
        <div className="page-actions">
          {flow.status !== 'ARCHIVED' && (
            <button type="button" className="btn btn-ghost" disabled={archiving} onClick={() => void doArchive()}>
              Archive
            </button>
          )}
          <button type="button" className="btn btn-secondary" disabled={saving || !dirty} onClick={() => void doSave()}>
            {saving ? 'Saving…' : 'Save draft'}
          </button>
          <button type="button" className="btn btn-primary" disabled={publishing || saving} onClick={() => void doPublish()}>
            {publishing ? 'Publishing…' : 'Publish'}
          </button>
        </div>
      </header>
      <div className="editor-grid">
        <div className="stack">
          <Card>
            <div className="field">
              <label htmlFor="flow-description">Description</label>
              <textarea
                id="flow-description"
                rows={2}
                value={description}
                onChange={(e) => {
                  setDescription(e.target.value);
                  setDirty(true);
                }}
              />
            </div>
          </Card>
          {nodes.length === 0 ? (
            <EmptyState title="No nodes yet" icon="plus">
              Start with a question: the first node you add becomes the root.
            </EmptyState>
          ) : (
            nodes.map((n, i) => (
              <NodeCard
                key={n.id}
                node={n}
                nodes={nodes}
                isRoot={root === n.id}
                issues={byNode.get(n.id) ?? []}
                onChange={(next) => edit((ns) => ns.map((x, j) => (j === i ? next : x)))}
                onRemove={() => {
                  edit((ns) => ns.filter((_, j) => j !== i));
                  if (root === n.id) setRoot('');
                }}
                onMakeRoot={() => {
                  setRoot(n.id);
                  setDirty(true);
                }}
              />
            ))
          )}
          <div className="add-node">
            <span className="muted">Add</span>
            {KINDS.map((k) => (
              <button key={k.value} type="button" className="btn btn-secondary btn-sm" onClick={() => addNode(k.value)}>
                + {k.label}
              </button>
            ))}
          </div>
        </div>
        <aside className="stack">
          <Card title="Ready to publish?">
            {issues.length === 0 ? (
              <p className="text-green">
                {dirty ? 'Save to check your changes.' : 'No issues. Publishing makes this the version new walks use.'}
              </p>
            ) : (
              <>
                <p className="muted small">Fix these first. Each issue is also shown on its node.</p>
                <ul className="issue-summary">
                  {general.map((g, k) => (
                    <li key={`g${k}`}>{g.message}</li>
                  ))}
                  {[...byNode.entries()].map(([id, list]) => (
                    <li key={id}>
                      <button
                        type="button"
                        className="link-btn"
                        onClick={() =>
                          document
                            .querySelector(`[data-node-id="${CSS.escape(id)}"]`)
                            ?.scrollIntoView({ behavior: 'smooth', block: 'center' })
                        }
                      >
                        {id}
                      </button>
                      : {list.map((l) => l.message).join('; ')}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </Card>
          <Card title="Tips">
            <ul className="tips">
              <li>Every question needs two distinct labels, each leading somewhere.</li>
              <li>Every path must end in a resolution or an escalation.</li>
              <li>Walks in progress keep the version they started on.</li>
            </ul>
          </Card>
        </aside>
      </div>
    </div>
  );
}

export function FlowEditorPage() {
  const { id = '' } = useParams();
  const [res, refetch] = useQuery({ query: FlowDoc, variables: { id } });
  const flow = res.data?.flow.__typename === 'Flow' ? res.data.flow : null;
  useDocumentTitle(flow ? `Edit ${flow.title}` : 'Flow');
  if (!res.data) {
    return res.error ? (
      <div className="page page-narrow">
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      </div>
    ) : (
      <Loading label="Loading flow…" />
    );
  }
  if (!flow) {
    return (
      <div className="page page-narrow">
        <EmptyState title="Flow not found" icon="question">
          <Link to="/engineer/flows" className="btn btn-secondary btn-sm">
            Back to the library
          </Link>
        </EmptyState>
      </div>
    );
  }
  return <Editor key={flow.id} flow={flow} />;
}
