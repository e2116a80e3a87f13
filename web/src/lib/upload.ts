import { type ExecutionResult, getOperationName, stringifyDocument, type TypedDocumentNode } from 'urql';

/** A GraphQL response as the server sent it. */
export interface UploadResult<Data> {
  data?: Data | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}
import { currentToken, getAccessToken, refresh, sessionLost } from './auth.ts';

/** The most one knowledge-base file may weigh (the API refuses larger ones too, per file). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** How many files one import may send (the API's limit too). */
export const MAX_FILES = 20;

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * The GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec):
 * `operations` with a null where each file goes, `map` from each file part to its variable path,
 * then the files in order. `variable` names the `[File!]!` argument.
 */
export function multipartBody(
  query: string,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  variable: string,
  files: readonly File[],
): FormData {
  const body = new FormData();
  body.append('operations', JSON.stringify({ query, operationName, variables: { ...variables, [variable]: files.map(() => null) } }));
  body.append('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.${variable}.${i}`]]))));
  files.forEach((f, i) => body.append(String(i), f, f.name));
  return body;
}

function send(body: FormData, token: string | null, onProgress: (p: UploadProgress) => void): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    // XMLHttpRequest, not fetch: only it reports how much of a request body has gone out.
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/graphql');
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/graphql-response+json, application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress({ loaded: e.loaded, total: e.total });
    };
    xhr.upload.onload = () => onProgress({ loaded: 1, total: 1 });
    xhr.onload = () => {
      let json: unknown = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON (a proxy's error page): reported by status below.
      }
      resolve({ status: xhr.status, json });
    };
    xhr.onerror = () => reject(new TypeError('The server could not be reached.'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.send(body);
  });
}

function unauthenticated(json: unknown): boolean {
  const errors = (json as ExecutionResult | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => (e as { extensions?: { code?: string } }).extensions?.code === 'UNAUTHENTICATED');
}

/**
 * Sends a mutation with files as a multipart request, reporting upload progress. Refreshes the
 * access token once on UNAUTHENTICATED, like the urql client does. Resolves with the GraphQL result
 * (errors included); rejects only when the server could not be reached or gave no GraphQL answer.
 */
export async function uploadFiles<Data, Vars extends Record<string, unknown>>(
  doc: TypedDocumentNode<Data, Vars>,
  variables: Omit<Vars, 'files'>,
  files: readonly File[],
  onProgress: (p: UploadProgress) => void,
): Promise<UploadResult<Data>> {
  const query = stringifyDocument(doc);
  const name = getOperationName(doc);
  const attempt = async (token: string | null) => send(multipartBody(query, name, variables, 'files', files), token, onProgress);
  let res = await attempt(await getAccessToken());
  if (unauthenticated(res.json)) {
    if (!(await refresh())) {
      sessionLost();
    } else {
      onProgress({ loaded: 0, total: 1 });
      res = await attempt(currentToken());
    }
  }
  if (!res.json || typeof res.json !== 'object') {
    throw new Error(
      res.status === 413
        ? 'The files are too large to send together. Import fewer at a time.'
        : `The server could not take the files (HTTP ${res.status}). Try again in a moment.`,
    );
  }
  return res.json as UploadResult<Data>;
}
