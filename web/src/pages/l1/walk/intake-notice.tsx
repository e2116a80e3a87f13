import { Link, useLocation } from 'react-router-dom';
import { useQuery } from 'urql';
import { Card, SkeletonRows } from '../../../components/ui.tsx';
import { graphql } from '../../../gql/index.ts';
import type { IntakeOutcome } from '../../../gql/graphql.ts';
import { anyWordQuery } from '../../../lib/snippet.ts';
import { Snippet } from '../../kb/snippet.tsx';
import type { Walk } from './session.ts';
import '../intake.css';

/** What intake decided, carried to the walk it started (router state: it survives a reload of the tab). */
export interface IntakeNotice {
  outcome: IntakeOutcome;
  reason: string;
  flowTitle: string | null;
  /** Notes chosen with the knowledge base: the problem statement the articles are searched for. */
  articlesFor: string | null;
}

export function useIntakeNotice(): IntakeNotice | null {
  const state = useLocation().state as { intake?: IntakeNotice } | null;
  return state?.intake ?? null;
}

/** Why this walk: the flow intake picked and on what, or why the call is notes with articles. */
export function IntakeBanner({ notice }: { notice: IntakeNotice | null }) {
  if (notice?.outcome === 'MATCHED') {
    return (
      <div className="banner banner-info intake-banner" role="status" data-testid="intake-banner">
        <div>
          <strong>This call matched the flow {notice.flowTitle ? `“${notice.flowTitle}”` : 'you are on'}.</strong> {notice.reason}
        </div>
      </div>
    );
  }
  if (notice?.outcome === 'BUILD') {
    return (
      <div className="banner banner-info intake-banner" role="status" data-testid="intake-banner">
        <div>
          <strong>No flow fits this call, but articles do.</strong> Take notes as you go; the articles that match what the caller said are
          listed beside them. {notice.reason}
        </div>
      </div>
    );
  }
  return null;
}

const KnowledgeDoc = graphql(`
  query WalkPage_Knowledge($id: ID!) {
    walkSession(id: $id) {
      __typename
      ... on WalkSession {
        id
        knowledge {
          score
          snippet
          chunk {
            id
            headingPath
          }
          document {
            id
            title
          }
        }
      }
    }
  }
`);

const SearchDoc = graphql(`
  query WalkPage_Articles($query: String!) {
    kbSearch(query: $query, first: 5) {
      score
      snippet
      chunk {
        id
        headingPath
      }
      document {
        id
        title
      }
    }
  }
`);

type Hit = { snippet: string; chunk: { id: string; headingPath: string[] }; document: { id: string; title: string } };

function HitList({ hits }: { hits: readonly Hit[] }) {
  // One entry per article, at its best section (hits come best first).
  const firsts = hits.filter((h, i) => hits.findIndex((x) => x.document.id === h.document.id) === i);
  return (
    <ul className="walk-knowledge" data-testid="walk-knowledge">
      {firsts.map((h) => (
        <li key={h.chunk.id}>
          {/* A new tab: the walk and its notes stay where they are while the L1 reads. */}
          <Link to={`/kb/${h.document.id}`} target="_blank" rel="noopener" className="link walk-knowledge-title">
            {h.document.title}
            <span className="sr-only"> (opens in a new tab)</span>
          </Link>
          {h.chunk.headingPath.length > 0 && <div className="muted small">{h.chunk.headingPath.join(' › ')}</div>}
          <Snippet text={h.snippet} />
        </li>
      ))}
    </ul>
  );
}

/**
 * The articles for this call: the chunks intake retrieved for a BUILD walk (kept on the walk), or,
 * for notes the L1 chose to take with the knowledge base, a search for what the caller said.
 */
export function KnowledgeCard({ walk, articlesFor }: { walk: Walk; articlesFor: string | null }) {
  // Only notes walks (what BUILD starts until AI-built walks arrive) carry retrieved articles.
  const [res] = useQuery({ query: KnowledgeDoc, variables: { id: walk.id }, pause: walk.kind === 'FLOW' || walk.kind === 'PROPOSAL' });
  const query = articlesFor ? anyWordQuery(articlesFor) : '';
  const [search] = useQuery({ query: SearchDoc, variables: { query }, pause: !query });
  const result = res.data?.walkSession;
  const kept = result?.__typename === 'WalkSession' ? (result.knowledge ?? []) : [];
  const found = search.data?.kbSearch ?? [];
  const hits = kept.length ? kept : found;
  const loading = (!res.data && res.fetching) || (!!articlesFor && !search.data && search.fetching);
  if (!hits.length && !loading && !articlesFor) return null;
  return (
    <Card title="Articles for this call">
      {hits.length ? (
        <HitList hits={hits} />
      ) : loading ? (
        <SkeletonRows rows={2} />
      ) : (
        <p className="muted small">No article matches what the caller said. The knowledge base can still be searched from the menu.</p>
      )}
    </Card>
  );
}
