import { type KeyboardEvent, useId, useState } from 'react';
import { useQuery } from 'urql';
import { Badge } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { useDebounced } from '../../lib/hooks.ts';

const FlowsDoc = graphql(`
  query Dashboard_Flows($search: String) {
    flows(search: $search, status: PUBLISHED) {
      id
      title
      description
    }
  }
`);

export type Target = { kind: 'flow' | 'proposal'; id: string; title: string };

/** Search-as-you-type over the published flows; the chosen one shows as a chip with "Change". */
export function FlowPicker({ value, onChange }: { value: Target | null; onChange: (t: Target | null) => void }) {
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
