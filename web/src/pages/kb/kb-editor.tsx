import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Card, Dialog, EmptyState, ErrorState, Field, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { KbFormat } from '../../gql/graphql.ts';
import { type ErrorLike, failureFromError, failureFromResult, fieldErrors } from '../../lib/errors.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { CATEGORY_CHOICES, FORMAT_LABELS } from './kb-words.ts';

const CreateDoc = graphql(`
  mutation KbEditor_Create($title: String!, $body: String!, $format: KbFormat, $category: String) {
    createKbDocument(title: $title, body: $body, format: $format, category: $category) {
      __typename
      ... on CreateKbDocumentPayload {
        document {
          id
          title
        }
      }
      ... on DuplicateKbDocumentError {
        existingDocument {
          id
          title
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const UpdateDoc = graphql(`
  mutation KbEditor_Update($id: ID!, $title: String, $body: String, $format: KbFormat, $category: String) {
    updateKbDocument(id: $id, title: $title, body: $body, format: $format, category: $category) {
      __typename
      ... on UpdateKbDocumentPayload {
        document {
          id
          title
          body
          format
          updatedAt
          category {
            key
            label
          }
        }
      }
      ... on DuplicateKbDocumentError {
        existingDocument {
          id
          title
        }
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

const LoadDoc = graphql(`
  query KbEditor_Document($id: ID!) {
    kbDocument(id: $id) {
      id
      title
      body
      status
      category {
        key
      }
    }
  }
`);

export interface ArticleValues {
  title: string;
  body: string;
  format: KbFormat;
  category: string;
}

type Result =
  | { __typename: string; document?: { id: string; title: string }; existingDocument?: { id: string; title: string } | null }
  | null
  | undefined;

/** Title, body, format and category; a duplicate names the article that already says the same. */
function ArticleForm({
  initial,
  editing,
  busy,
  onSave,
  cancelTo,
}: {
  initial: ArticleValues;
  editing: boolean;
  busy: boolean;
  onSave: (v: ArticleValues) => Promise<{ result: Result; error?: Parameters<typeof failureFromError>[0] }>;
  cancelTo: string;
}) {
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [duplicate, setDuplicate] = useState<{ id: string; title: string } | null>(null);
  const toast = useToast();
  const navigate = useNavigate();
  const set = (patch: Partial<ArticleValues>) => setV((old) => ({ ...old, ...patch }));
  // A pasted article is easy to lose: leaving with changes asks first (the browser asks on reload).
  const saved = useRef(false);
  const dirty = (Object.keys(initial) as Array<keyof ArticleValues>).some((k) => v[k] !== initial[k]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && !saved.current && currentLocation.pathname !== nextLocation.pathname,
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const missing: Record<string, string> = {};
    if (!v.title.trim()) missing.title = 'Give the article a title.';
    if (!v.body.trim()) missing.body = 'Paste the article’s text.';
    setErrors(missing);
    setDuplicate(null);
    if (Object.keys(missing).length) return;
    const { result, error } = await onSave(v);
    if (!result) {
      if (error) toast.failure(failureFromError(error));
      return;
    }
    if (result.document) {
      saved.current = true;
      toast.success(editing ? 'Article saved' : 'Article added', result.document.title);
      navigate(`/kb/${result.document.id}`);
      return;
    }
    if (result.__typename === 'DuplicateKbDocumentError') {
      setDuplicate(result.existingDocument ?? null);
      if (!result.existingDocument) toast.failure(failureFromResult(result as ErrorLike));
      return;
    }
    const found = fieldErrors((result as ErrorLike).issues);
    setErrors(found);
    if (!Object.keys(found).length) toast.failure(failureFromResult(result as ErrorLike));
  };

  return (
    <form className="stack-lg" onSubmit={submit} noValidate>
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
          </>
        }
      >
        <p>This article has changes that are not saved yet. They are lost if you leave now.</p>
      </Dialog>
      {duplicate && (
        <div className="banner banner-warning" role="alert" data-testid="kb-duplicate">
          <span>
            The knowledge base already has this article: <Link to={`/kb/${duplicate.id}`}>{duplicate.title}</Link>. Nothing was saved.
          </span>
        </div>
      )}
      <Card>
        <div className="stack">
          <Field label="Title" htmlFor="kb-title" error={errors.title}>
            <input id="kb-title" maxLength={300} value={v.title} onChange={(e) => set({ title: e.target.value })} />
          </Field>
          <div className="grid-2">
            {!editing && (
              <Field label="Written as" htmlFor="kb-format" hint="HTML is cleaned up and kept as headings and lists." error={errors.format}>
                <select id="kb-format" value={v.format} onChange={(e) => set({ format: e.target.value as KbFormat })}>
                  {(Object.keys(FORMAT_LABELS) as KbFormat[]).map((f) => (
                    <option key={f} value={f}>
                      {FORMAT_LABELS[f]}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            <Field label="Category (optional)" htmlFor="kb-category" error={errors.category}>
              <select id="kb-category" value={v.category} onChange={(e) => set({ category: e.target.value })}>
                <option value="">No category</option>
                <optgroup label="Calls the L1 desk can take">
                  {CATEGORY_CHOICES.desk.map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Always for an engineer">
                  {CATEGORY_CHOICES.engineers.map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label}
                    </option>
                  ))}
                </optgroup>
              </select>
            </Field>
          </div>
          <Field
            label="Article"
            htmlFor="kb-body"
            error={errors.body}
            hint={
              editing
                ? 'Markdown: # for headings, 1. for numbered steps.'
                : 'Paste the text as it is; headings become sections the desk can search.'
            }
          >
            <textarea id="kb-body" className="kb-body-input" rows={16} value={v.body} onChange={(e) => set({ body: e.target.value })} />
          </Field>
          <div className="form-actions">
            <Link to={cancelTo} className="btn btn-secondary">
              Cancel
            </Link>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Saving…' : editing ? 'Save changes' : 'Add the article'}
            </button>
          </div>
        </div>
      </Card>
    </form>
  );
}

function Frame({ title, crumb, children }: { title: string; crumb: string; children: ReactNode }) {
  return (
    <div className="page page-narrow kb-editor">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/kb">Knowledge base</Link>
        <span aria-hidden="true">/</span>
        <span>{crumb}</span>
      </nav>
      <PageHeader title={title} />
      {children}
    </div>
  );
}

export function KbNewPage() {
  useDocumentTitle('Add an article');
  const [{ fetching }, create] = useMutation(CreateDoc);
  return (
    <Frame title="Add an article" crumb="New article">
      <ArticleForm
        initial={{ title: '', body: '', format: 'MARKDOWN', category: '' }}
        editing={false}
        busy={fetching}
        cancelTo="/kb"
        onSave={async (v) => {
          const r = await create({ title: v.title.trim(), body: v.body, format: v.format, category: v.category || null });
          return { result: r.data?.createKbDocument, error: r.error };
        }}
      />
    </Frame>
  );
}

export function KbEditPage() {
  const { id = '' } = useParams();
  useDocumentTitle('Edit article');
  const [res, refetch] = useQuery({ query: LoadDoc, variables: { id }, requestPolicy: 'network-only' });
  const [{ fetching }, update] = useMutation(UpdateDoc);
  const doc = res.data?.kbDocument;
  return (
    <Frame title="Edit article" crumb="Edit">
      {res.error && !res.data ? (
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !res.data ? (
        <Card>
          <SkeletonRows rows={6} />
        </Card>
      ) : !doc ? (
        <EmptyState title="Article not found" icon="question">
          <Link to="/kb" className="btn btn-secondary btn-sm">
            Back to the knowledge base
          </Link>
        </EmptyState>
      ) : (
        <ArticleForm
          key={doc.id}
          initial={{ title: doc.title, body: doc.body, format: 'MARKDOWN', category: doc.category?.key ?? '' }}
          editing
          busy={fetching}
          cancelTo={`/kb/${doc.id}`}
          onSave={async (v) => {
            // The stored body is Markdown whatever the original was; sent without a format, the API
            // reads it as Markdown and the article keeps the format it was written in. "" clears the category.
            const r = await update({ id: doc.id, title: v.title.trim(), body: v.body, category: v.category });
            return { result: r.data?.updateKbDocument, error: r.error };
          }}
        />
      )}
    </Frame>
  );
}
