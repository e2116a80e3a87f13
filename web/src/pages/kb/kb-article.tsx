import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { MarkdownView } from '../../components/markdown.tsx';
import { useMe } from '../../components/me.tsx';
import { useToast } from '../../components/toasts.tsx';
import { Badge, Card, Dialog, EmptyState, ErrorState, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { unwrap } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { isEngineer } from '../../lib/roles.ts';
import { FORMAT_LABELS, SOURCE_LABELS } from './kb-words.ts';

const ArticleDoc = graphql(`
  query KbArticle_Document($id: ID!) {
    kbDocument(id: $id) {
      id
      title
      body
      format
      source
      status
      externalUrl
      createdAt
      updatedAt
      category {
        key
        label
      }
      createdBy {
        id
        name
      }
    }
  }
`);

const ArchiveDoc = graphql(`
  mutation KbArticle_Archive($id: ID!) {
    archiveKbDocument(id: $id) {
      __typename
      ... on ArchiveKbDocumentPayload {
        document {
          id
          status
          updatedAt
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

function ArchiveDialog({ id, title, open, onClose }: { id: string; title: string; open: boolean; onClose: () => void }) {
  const [{ fetching }, archive] = useMutation(ArchiveDoc);
  const toast = useToast();
  const navigate = useNavigate();
  const confirm = async () => {
    const r = await archive({ id });
    if (!unwrap(r.data?.archiveKbDocument, r.error, 'ArchiveKbDocumentPayload', toast.failure)) return;
    toast.success('Article archived', `“${title}” no longer shows in searches or on walks.`);
    onClose();
    navigate('/kb');
  };
  return (
    <Dialog open={open} title="Archive this article?" onClose={onClose}>
      <p>
        <strong>{title}</strong> will no longer show in searches, and new walks will not list it. Walks that already cite it keep their
        link.
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={fetching} onClick={() => void confirm()}>
          {fetching ? 'Archiving…' : 'Archive the article'}
        </button>
      </div>
    </Dialog>
  );
}

export function KbArticlePage() {
  const { id = '' } = useParams();
  const me = useMe();
  const [res, refetch] = useQuery({ query: ArticleDoc, variables: { id } });
  const [archiving, setArchiving] = useState(false);
  const doc = res.data?.kbDocument;
  useDocumentTitle(doc?.title ?? 'Article');
  const crumbs = (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <Link to="/kb">Knowledge base</Link>
      <span aria-hidden="true">/</span>
      <span>Article</span>
    </nav>
  );

  if (!doc) {
    return (
      <div className="page page-narrow">
        {crumbs}
        {res.error && !res.data ? (
          <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : !res.data ? (
          <Card>
            <SkeletonRows rows={6} />
          </Card>
        ) : (
          <EmptyState title="Article not found" icon="question">
            <p>It may have been removed, or the link is wrong.</p>
            <Link to="/kb" className="btn btn-secondary btn-sm">
              Back to the knowledge base
            </Link>
          </EmptyState>
        )}
      </div>
    );
  }

  const editor = isEngineer(me);
  const archived = doc.status === 'ARCHIVED';
  return (
    <div className="page kb-article-page">
      {crumbs}
      <header className="page-header">
        <div className="grow">
          <h1>{doc.title}</h1>
          <p className="page-subtitle">
            {doc.category ? doc.category.label : 'No category'} · updated {formatDateTime(doc.updatedAt)}
          </p>
        </div>
        <div className="page-actions">
          {archived && <Badge tone="gray">Archived</Badge>}
          {editor && !archived && (
            <>
              <button type="button" className="btn btn-ghost" onClick={() => setArchiving(true)}>
                Archive…
              </button>
              <Link to={`/kb/${doc.id}/edit`} className="btn btn-primary">
                Edit
              </Link>
            </>
          )}
        </div>
      </header>
      {archived && (
        <div className="banner banner-warning" role="status">
          This article is archived: searches and new walks leave it out.
        </div>
      )}
      <div className="kb-article-grid">
        <Card className="kb-article">
          <MarkdownView source={doc.body} title={doc.title} />
        </Card>
        <aside>
          <Card title="About this article">
            <dl className="details">
              <dt>Source</dt>
              <dd>
                {doc.externalUrl ? (
                  <a href={doc.externalUrl} target="_blank" rel="noopener noreferrer" className="link">
                    {SOURCE_LABELS[doc.source]}
                  </a>
                ) : (
                  SOURCE_LABELS[doc.source]
                )}
              </dd>
              <dt>Written as</dt>
              <dd>{FORMAT_LABELS[doc.format]}</dd>
              <dt>Category</dt>
              <dd>{doc.category ? doc.category.label : <span className="muted">None</span>}</dd>
              <dt>Added</dt>
              <dd>
                {formatDateTime(doc.createdAt)}
                {doc.createdBy ? ` by ${doc.createdBy.name}` : ''}
              </dd>
              <dt>Updated</dt>
              <dd>{formatDateTime(doc.updatedAt)}</dd>
            </dl>
          </Card>
        </aside>
      </div>
      {editor && <ArchiveDialog id={doc.id} title={doc.title} open={archiving} onClose={() => setArchiving(false)} />}
    </div>
  );
}
