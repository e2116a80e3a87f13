import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { useMe } from '../../components/me.tsx';
import { Badge, Card, EmptyState, ErrorState, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { relativeTime } from '../../lib/format.ts';
import { useDebounced, useDocumentTitle } from '../../lib/hooks.ts';
import { isEngineer } from '../../lib/roles.ts';
import { SOURCE_LABELS } from './kb-words.ts';
import { Snippet } from './snippet.tsx';

export const PAGE_SIZE = 25;

export const DocumentsDoc = graphql(`
  query KbList_Documents($first: Int, $after: String, $includeArchived: Boolean) {
    kbDocuments(first: $first, after: $after, includeArchived: $includeArchived) {
      totalCount
      nodes {
        id
        title
        source
        status
        updatedAt
        category {
          key
          label
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const SearchDoc = graphql(`
  query KbList_Search($query: String!) {
    kbSearch(query: $query, first: 20) {
      score
      snippet
      chunk {
        id
        headingPath
      }
      document {
        id
        title
        category {
          key
          label
        }
      }
    }
  }
`);

export function EditorActions() {
  return (
    <>
      <Link to="/kb/import" className="btn btn-secondary">
        Import files
      </Link>
      <Link to="/kb/new" className="btn btn-primary">
        Add an article
      </Link>
    </>
  );
}

function SearchResults({ query }: { query: string }) {
  const [res, refetch] = useQuery({ query: SearchDoc, variables: { query } });
  if (res.error && !res.data) return <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!res.data) return <SkeletonRows rows={4} />;
  // One entry per article, at its best section (hits come best first); the rest are counted.
  const byDoc = new Map<string, { hit: (typeof res.data.kbSearch)[number]; more: number }>();
  for (const h of res.data.kbSearch) {
    const seen = byDoc.get(h.document.id);
    if (seen) seen.more += 1;
    else byDoc.set(h.document.id, { hit: h, more: 0 });
  }
  const hits = [...byDoc.values()];
  if (hits.length === 0) {
    return (
      <EmptyState title={`No article matches “${query}”`} icon="question">
        Try fewer or other words: the customer’s words often differ from an article’s.
      </EmptyState>
    );
  }
  return (
    <ol className="kb-hits" aria-label="Search results" data-testid="kb-hits">
      {hits.map(({ hit: h, more }) => (
        <li key={h.chunk.id} className="kb-hit">
          <Link to={`/kb/${h.document.id}`} className="kb-hit-title link">
            {h.document.title}
          </Link>
          {h.chunk.headingPath.length > 0 && <div className="kb-hit-path muted small">{h.chunk.headingPath.join(' › ')}</div>}
          <Snippet text={h.snippet} />
          <div className="kb-hit-meta">
            {h.document.category && <Badge tone="blue">{h.document.category.label}</Badge>}
            {more > 0 && <span className="muted small">{more === 1 ? '1 more section matches' : `${more} more sections match`}</span>}
          </div>
        </li>
      ))}
    </ol>
  );
}

function DocumentList({ includeArchived }: { includeArchived: boolean }) {
  const me = useMe();
  // The cursors of the pages before this one, so "Previous" goes back without counting offsets.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const [res, refetch] = useQuery({ query: DocumentsDoc, variables: { first: PAGE_SIZE, after, includeArchived } });
  if (res.error && !res.data) return <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!res.data) return <SkeletonRows rows={6} />;
  const { nodes, pageInfo, totalCount } = res.data.kbDocuments;
  if (totalCount === 0) {
    return (
      <EmptyState title="No articles yet" icon="note">
        {isEngineer(me) ? (
          <>
            <p>Add your team’s troubleshooting articles: the desk searches them during calls.</p>
            <div className="kb-empty-actions">
              <EditorActions />
            </div>
          </>
        ) : (
          'An engineer adds your team’s troubleshooting articles here.'
        )}
      </EmptyState>
    );
  }
  const from = (cursors.length - 1) * PAGE_SIZE + 1;
  return (
    <>
      <div className="table-wrap">
        <table className="table kb-table">
          <thead>
            <tr>
              <th>Article</th>
              <th>Category</th>
              <th>Source</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/kb/${d.id}`} className="cell-title link">
                    {d.title}
                  </Link>
                  {d.status === 'ARCHIVED' && <Badge tone="gray">Archived</Badge>}
                </td>
                <td>{d.category ? d.category.label : <span className="muted">None</span>}</td>
                <td>{SOURCE_LABELS[d.source]}</td>
                <td>{relativeTime(d.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <span className="muted small" data-testid="kb-range">
          {from}–{from + nodes.length - 1} of {totalCount}
        </span>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={cursors.length === 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
          onClick={() => setCursors((c) => [...c, pageInfo.endCursor ?? null])}
        >
          Next
        </button>
      </nav>
    </>
  );
}

export function KbListPage() {
  useDocumentTitle('Knowledge base');
  const me = useMe();
  // The search lives in the address, so going back from an article returns to the same results.
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [showArchived, setShowArchived] = useState(false);
  const query = useDebounced(search.trim(), 250);
  const setQuery = (v: string) => {
    setSearch(v);
    setParams(v.trim() ? { q: v } : {}, { replace: true });
  };
  return (
    <div className="page">
      <PageHeader
        title="Knowledge base"
        subtitle="Your team’s own troubleshooting articles. Search them while the caller is on the line."
        actions={isEngineer(me) ? <EditorActions /> : undefined}
      />
      <div className="toolbar kb-toolbar">
        <input
          className="search kb-search"
          type="search"
          placeholder="Search articles, e.g. “printer offline”"
          aria-label="Search the knowledge base"
          value={search}
          onChange={(e) => setQuery(e.target.value)}
        />
        {!query && isEngineer(me) && (
          <label className="switch">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Show archived
          </label>
        )}
      </div>
      {query ? (
        <Card>
          <SearchResults query={query} />
        </Card>
      ) : (
        <DocumentList key={String(showArchived)} includeArchived={showArchived} />
      )}
    </div>
  );
}
