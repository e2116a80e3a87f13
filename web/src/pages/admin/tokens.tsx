import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useToast } from '../../components/toasts.tsx';
import { Badge, CopyButton, EmptyState, ErrorState, Field, PageHeader, SkeletonRows } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { fieldErrors, unwrap } from '../../lib/errors.ts';
import { humanize, relativeTime } from '../../lib/format.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';

const ListDoc = graphql(`
  query AdminTokens_List {
    apiTokens {
      id
      name
      prefix
      scopes
      createdAt
      lastUsedAt
      revokedAt
      createdBy {
        id
        name
      }
    }
  }
`);

const CreateDoc = graphql(`
  mutation AdminTokens_Create($name: String!, $scopes: [ApiTokenScope!]!) {
    createApiToken(name: $name, scopes: $scopes) {
      __typename
      ... on CreatedApiToken {
        secret
        apiToken {
          id
          name
          prefix
          scopes
          createdAt
          lastUsedAt
          revokedAt
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

const RevokeDoc = graphql(`
  mutation AdminTokens_Revoke($tokenId: ID!) {
    revokeApiToken(tokenId: $tokenId) {
      __typename
      ... on ApiToken {
        id
        revokedAt
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export function TokensPage() {
  useDocumentTitle('API tokens');
  const toast = useToast();
  const [res, refetch] = useQuery({ query: ListDoc });
  const [name, setName] = useState('');
  const [seatsRead, setSeatsRead] = useState(true);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [{ fetching }, create] = useMutation(CreateDoc);
  const [, revoke] = useMutation(RevokeDoc);

  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create({ name: name.trim(), scopes: seatsRead ? ['SEATS_READ'] : [] });
    const result = r.data?.createApiToken;
    setErrors(result?.__typename === 'ValidationError' ? fieldErrors(result.issues) : {});
    const c = unwrap(result, r.error, 'CreatedApiToken', toast.failure);
    if (!c) return;
    setSecret({ name: c.apiToken.name, value: c.secret });
    setName('');
  };

  return (
    <div className="page">
      <PageHeader title="API tokens" subtitle="Bearer tokens for external dashboards. A token can read seat usage and nothing else." />
      <div className="stack-lg">
        <section className="card">
          <div className="card-header">
            <h2 className="card-title">New token</h2>
          </div>
          <form className="inline-form" onSubmit={submit}>
            <Field label="Name" htmlFor="token-name" error={errors.name}>
              <input
                id="token-name"
                aria-invalid={errors.name ? true : undefined}
                required
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="e.g. Billing dashboard"
              />
            </Field>
            <fieldset className="field">
              <legend>Scopes</legend>
              <label className="switch">
                <input type="checkbox" checked={seatsRead} onChange={(e) => setSeatsRead(e.target.checked)} />
                <span>Read seat usage</span>
              </label>
            </fieldset>
            <button type="submit" className="btn btn-primary" disabled={fetching}>
              Create token
            </button>
          </form>
          {secret && (
            <div className="secret-box" data-testid="token-secret">
              <div>
                <strong>Secret for “{secret.name}”</strong>
                <p className="muted small">
                  Copy it now: it is shown only once. Send it as <code>Authorization: Bearer …</code>.
                </p>
              </div>
              <div className="secret-row">
                <input readOnly value={secret.value} aria-label="Token secret" onFocus={(e) => e.target.select()} />
                <CopyButton text={secret.value} />
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSecret(null)}>
                  Done
                </button>
              </div>
            </div>
          )}
        </section>
        <section className="card">
          <div className="card-header">
            <h2 className="card-title">Tokens</h2>
          </div>
          {res.error && !res.data ? (
            <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
          ) : !res.data ? (
            <SkeletonRows rows={2} />
          ) : res.data.apiTokens.length === 0 ? (
            <EmptyState title="No tokens" icon="key">
              Create a token to let a dashboard read your seat usage.
            </EmptyState>
          ) : (
            <table className="table table-flush">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Token</th>
                  <th>Scopes</th>
                  <th>Last used</th>
                  <th>Status</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {res.data.apiTokens.map((t) => (
                  <tr key={t.id} className={t.revokedAt ? 'row-muted' : ''}>
                    <td>
                      <span className="cell-title">{t.name}</span>
                      <span className="cell-sub">
                        {t.createdBy ? `by ${t.createdBy.name} · ` : ''}
                        {relativeTime(t.createdAt)}
                      </span>
                    </td>
                    <td>
                      <code>{t.prefix}…</code>
                    </td>
                    <td>{t.scopes.map((s) => humanize(s)).join(', ') || '—'}</td>
                    <td>{t.lastUsedAt ? relativeTime(t.lastUsedAt) : <span className="muted">Never</span>}</td>
                    <td>{t.revokedAt ? <Badge tone="red">Revoked</Badge> : <Badge tone="green">Active</Badge>}</td>
                    <td className="row-actions">
                      {!t.revokedAt && (
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm"
                          onClick={async () => {
                            if (!window.confirm(`Revoke “${t.name}”? Dashboards using it stop working at once.`)) return;
                            const r = await revoke({ tokenId: t.id });
                            if (unwrap(r.data?.revokeApiToken, r.error, 'ApiToken', toast.failure)) toast.success('Token revoked');
                          }}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </div>
  );
}
