import { Badge } from '../../components/ui.tsx';
import type { FlowNodeKind } from '../../gql/graphql.ts';
import { humanize } from '../../lib/format.ts';
import { type EditNode, KINDS } from './flow-edit-model.ts';

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

export function NodeCard({
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
