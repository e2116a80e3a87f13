import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Card, EmptyState, ErrorState, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { AdminCategories_ListQuery } from '../../gql/graphql.ts';
import { unwrap } from '../../lib/errors.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import './categories.css';

const ListDoc = graphql(`
  query AdminCategories_List {
    l1Categories {
      enabled {
        key
      }
      available {
        key
        label
        description
      }
      hardFloor {
        key
        label
        description
      }
    }
  }
`);

const SaveDoc = graphql(`
  mutation AdminCategories_Save($keys: [String!]!) {
    setL1Categories(keys: $keys) {
      __typename
      ... on SetL1CategoriesPayload {
        categories {
          enabled {
            key
          }
        }
        dropped {
          key
          reason
        }
      }
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

type Categories = AdminCategories_ListQuery['l1Categories'];

// Drawn rather than an emoji: the desk's machines do not all have an emoji font.
function LockMark() {
  return (
    <svg className="lock" width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
      <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((k) => b.has(k));

function CategoriesForm({ categories }: { categories: Categories }) {
  const toast = useToast();
  const [saved, setSaved] = useState<ReadonlySet<string>>(() => new Set(categories.enabled.map((c) => c.key)));
  const [chosen, setChosen] = useState<ReadonlySet<string>>(saved);
  const [{ fetching }, save] = useMutation(SaveDoc);
  const { available, hardFloor } = categories;
  const unchanged = sameSet(chosen, saved);
  const labelOf = (key: string) => [...available, ...hardFloor].find((c) => c.key === key)?.label ?? key;

  const toggle = (key: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(key);
    else next.delete(key);
    setChosen(next);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Sent in catalogue order, which is also the order the server stores.
    const keys = available.filter((c) => chosen.has(c.key)).map((c) => c.key);
    const r = await save({ keys });
    const ok = unwrap(r.data?.setL1Categories, r.error, 'SetL1CategoriesPayload', toast.failure);
    if (!ok) return;
    const stored = new Set(ok.categories.enabled.map((c) => c.key));
    setSaved(stored);
    setChosen(stored);
    toast.success('Categories saved', `The L1 desk takes ${stored.size} of ${available.length} categories.`);
    if (ok.dropped.length > 0) {
      toast.info('Some categories were not saved', ok.dropped.map((d) => `${labelOf(d.key)}: ${d.reason}`).join(' '));
    }
  };

  return (
    <form className="stack-lg" onSubmit={submit} noValidate>
      <Card
        title="Calls the L1 desk takes"
        actions={
          <>
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              disabled={fetching}
              onClick={() => setChosen(new Set(available.map((c) => c.key)))}
            >
              Select all
            </button>
            <button type="button" className="btn btn-ghost btn-sm" disabled={fetching} onClick={() => setChosen(new Set())}>
              Clear all
            </button>
          </>
        }
      >
        {available.length === 0 ? (
          <EmptyState title="No categories to choose from" />
        ) : (
          <fieldset className="categories" disabled={fetching}>
            <legend className="sr-only">Categories the L1 desk takes</legend>
            {available.map((c) => (
              <label key={c.key} className="category">
                <input type="checkbox" checked={chosen.has(c.key)} onChange={(e) => toggle(c.key, e.target.checked)} />
                <span>
                  <span className="category-name">{c.label}</span>
                  <span className="category-desc">{c.description}</span>
                </span>
              </label>
            ))}
          </fieldset>
        )}
        <div className="form-actions categories-actions">
          <span className="muted small" data-testid="categories-count">
            {chosen.size} of {available.length} chosen
          </span>
          <button type="submit" className="btn btn-primary" disabled={unchanged || fetching}>
            {fetching ? 'Saving…' : 'Save'}
          </button>
        </div>
      </Card>
      <Card title="Always sent to an engineer">
        <p className="muted">These calls always go to an engineer, whatever is chosen above: the L1 desk never takes them.</p>
        <ul className="categories categories-locked" data-testid="hard-floor">
          {hardFloor.map((c) => (
            <li key={c.key} className="category category-locked" aria-disabled="true">
              <input type="checkbox" checked={false} disabled aria-disabled="true" aria-label={`${c.label} (locked)`} readOnly />
              <span>
                <span className="category-name">
                  <LockMark /> {c.label}
                </span>
                <span className="category-desc">{c.description}</span>
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </form>
  );
}

export function CategoriesPage() {
  useDocumentTitle('What the L1 desk takes');
  const [res, refetch] = useQuery({ query: ListDoc, requestPolicy: 'cache-and-network' });
  return (
    <div className="page">
      <PageHeader
        title="What the L1 desk takes"
        subtitle="Choose which kinds of call your L1 technicians handle. Anything else goes to an engineer."
      />
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <Card>
          <SkeletonRows rows={6} />
        </Card>
      ) : (
        <CategoriesForm key={res.data.l1Categories.enabled.map((c) => c.key).join(',')} categories={res.data.l1Categories} />
      )}
    </div>
  );
}
