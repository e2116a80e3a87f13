import { type FormEvent, useId, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useClient } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Badge, Card, PageHeader } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import type { KbFileStatus, KbImport_FilesMutation } from '../../gql/graphql.ts';
import { failureFromResult, titleFor } from '../../lib/errors.ts';
import { pluralize } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { MAX_FILE_BYTES, MAX_FILES, uploadFiles } from '../../lib/upload.ts';
import { DocumentsDoc, PAGE_SIZE } from './kb-list.tsx';
import { formatBytes, hasImportExtension, IMPORT_EXTENSIONS } from './kb-words.ts';

const ImportDoc = graphql(`
  mutation KbImport_Files($files: [File!]!) {
    importKbFiles(files: $files) {
      __typename
      ... on ImportKbFilesPayload {
        results {
          fileName
          status
          message
          document {
            id
            title
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

/** The dashboard's "has a knowledge base" check, refreshed after an import (it bypassed urql's cache updates). */
const OnboardingDoc = graphql(`
  query KbImport_Onboarding {
    onboarding {
      hasKnowledgeBase
    }
  }
`);

type Result = Extract<KbImport_FilesMutation['importKbFiles'], { __typename: 'ImportKbFilesPayload' }>['results'][number];

const STATUS: Record<KbFileStatus, { label: string; tone: string }> = {
  IMPORTED: { label: 'Imported', tone: 'green' },
  DUPLICATE: { label: 'Already there', tone: 'amber' },
  REJECTED: { label: 'Not imported', tone: 'red' },
};

/** Why a chosen file is not sent at all, or null when it may go. */
function problemOf(f: File): string | null {
  if (!hasImportExtension(f.name)) return `Only ${IMPORT_EXTENSIONS.join(' ')} files can be imported.`;
  if (f.size > MAX_FILE_BYTES) return `Too big: at most ${formatBytes(MAX_FILE_BYTES)} per file.`;
  if (f.size === 0) return 'The file is empty.';
  return null;
}

export function KbImportPage() {
  useDocumentTitle('Import articles');
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [results, setResults] = useState<Result[] | null>(null);
  const toast = useToast();
  const client = useClient();
  const sendable = files.filter((f) => !problemOf(f));
  const uploading = progress !== null && results === null;
  const tooMany = sendable.length > MAX_FILES;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!sendable.length || tooMany) return;
    setResults(null);
    setProgress(0);
    try {
      const r = await uploadFiles(ImportDoc, {}, sendable, (p) => setProgress(p.total ? Math.round((p.loaded / p.total) * 100) : 0));
      setProgress(100);
      const v = r.data?.importKbFiles;
      if (v?.__typename !== 'ImportKbFilesPayload') {
        const code = (r.errors?.[0]?.extensions as { code?: string } | undefined)?.code ?? 'unexpected';
        toast.failure(
          v ? failureFromResult(v) : { code, title: titleFor(code), message: r.errors?.[0]?.message ?? 'Nothing was imported.' },
        );
        setProgress(null);
        return;
      }
      // The files refused before sending are listed too, in the order they were chosen.
      let sent = 0;
      const all: Result[] = files.map((f) => {
        const problem = problemOf(f);
        if (problem) return { fileName: f.name, status: 'REJECTED', message: problem, document: null };
        return (
          v.results[sent++] ?? { fileName: f.name, status: 'REJECTED', message: 'The server sent no result for this file.', document: null }
        );
      });
      setResults(all);
      const imported = all.filter((x) => x.status === 'IMPORTED').length;
      toast.success('Import finished', `${pluralize(imported, 'article')} imported of ${pluralize(all.length, 'file')}.`);
      // XMLHttpRequest bypassed urql, so its cache updates did not run: the first page and the
      // dashboard's check are fetched again (other pages refetch when they are opened).
      void client
        .query(DocumentsDoc, { first: PAGE_SIZE, after: null, includeArchived: false }, { requestPolicy: 'network-only' })
        .toPromise();
      void client.query(OnboardingDoc, {}, { requestPolicy: 'network-only' }).toPromise();
    } catch (err) {
      setProgress(null);
      toast.failure({ code: 'network', title: titleFor('network'), message: (err as Error).message });
    }
  };

  const reset = () => {
    setFiles([]);
    setResults(null);
    setProgress(null);
    if (input.current) input.current.value = '';
  };

  return (
    <div className="page page-narrow kb-import">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/kb">Knowledge base</Link>
        <span aria-hidden="true">/</span>
        <span>Import</span>
      </nav>
      <PageHeader
        title="Import articles"
        subtitle="Markdown, HTML or plain-text files, up to 5 MB each. The same article twice is imported once."
      />
      <Card>
        <form className="stack" onSubmit={submit}>
          <div className="field">
            <label htmlFor={inputId}>Files</label>
            <input
              ref={input}
              id={inputId}
              type="file"
              multiple
              accept={IMPORT_EXTENSIONS.join(',')}
              disabled={uploading}
              onChange={(e) => {
                setFiles([...(e.target.files ?? [])]);
                setResults(null);
                setProgress(null);
              }}
            />
            <div className="field-hint">{IMPORT_EXTENSIONS.join(' ')}</div>
          </div>
          {files.length > 0 && results === null && (
            <ul className="kb-files" aria-label="Chosen files" data-testid="kb-chosen">
              {files.map((f, i) => {
                const problem = problemOf(f);
                return (
                  <li key={`${f.name}-${i}`} className={problem ? 'kb-file kb-file-bad' : 'kb-file'}>
                    <span className="kb-file-name">{f.name}</span>
                    <span className="muted small">{formatBytes(f.size)}</span>
                    {problem && (
                      <span className="kb-file-problem" role="note">
                        {problem} It will not be sent.
                      </span>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          {tooMany && (
            <p className="field-error" role="alert">
              At most {MAX_FILES} files at a time: {sendable.length} are chosen. Import them in smaller batches.
            </p>
          )}
          {progress !== null && (
            <div className="kb-progress">
              <progress max={100} value={progress} aria-label="Upload progress" data-testid="kb-progress" />
              <span className="small muted" aria-live="polite">
                {results ? 'Uploaded' : progress >= 100 ? 'Uploaded, importing…' : `Uploading… ${progress} %`}
              </span>
            </div>
          )}
          <div className="form-actions">
            {results ? (
              <button type="button" className="btn btn-secondary" onClick={reset}>
                Import more files
              </button>
            ) : (
              <button type="submit" className="btn btn-primary" disabled={uploading || sendable.length === 0 || tooMany}>
                {uploading ? 'Importing…' : sendable.length ? `Import ${pluralize(sendable.length, 'file')}` : 'Import'}
              </button>
            )}
          </div>
        </form>
      </Card>
      {results && (
        <Card title="What happened to each file">
          <ul className="kb-results" data-testid="kb-results">
            {results.map((r, i) => (
              <li key={`${r.fileName}-${i}`} className="kb-result" data-status={r.status}>
                <div className="kb-result-head">
                  <span className="kb-file-name">{r.fileName}</span>
                  <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>
                </div>
                <div className="small">
                  {r.document && r.status === 'IMPORTED' ? (
                    <>
                      Imported as{' '}
                      <Link to={`/kb/${r.document.id}`} className="link">
                        {r.document.title}
                      </Link>
                      .
                    </>
                  ) : r.document && r.status === 'DUPLICATE' ? (
                    <>
                      Already in the knowledge base as{' '}
                      <Link to={`/kb/${r.document.id}`} className="link">
                        {r.document.title}
                      </Link>
                      ; not imported again.
                    </>
                  ) : (
                    r.message
                  )}
                </div>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
