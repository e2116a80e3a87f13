import { useEffect, useMemo, useState } from 'react';
import { Link, useBlocker } from 'react-router-dom';
import { useMutation } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Card, Dialog, EmptyState, StatusBadge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { FlowEditor_FlowFragment, FlowNodeKind } from '../../gql/graphql.ts';
import { issuesByNode, unwrap } from '../../lib/errors.ts';
import { formatDateTime, pluralize } from '../../lib/format.ts';
import { type EditNode, type Issue, KINDS, fromServer, toInput, nextId } from './flow-edit-model.ts';
import { NodeCard } from './flow-node-card.tsx';

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

export function Editor({ flow }: { flow: FlowEditor_FlowFragment }) {
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
