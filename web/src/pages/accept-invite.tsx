import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Spinner } from '../components/ui.tsx';
import { acceptInvite, type InvitePreviewResult, previewInvite, useAuth } from '../lib/auth.ts';
import { formatDate } from '../lib/format.ts';
import { useDocumentTitle } from '../lib/hooks.ts';
import { ROLE_LABELS } from '../lib/roles.ts';
import './auth.css';

/** What each role does, in a sentence the invitee understands. */
const ROLE_WORDS: Record<string, string> = {
  ADMIN: 'an admin: you manage members, invites and settings',
  ENGINEER: 'an engineer: you author troubleshooting flows and take escalations',
  L1_TECH: 'an L1 tech: you take customer calls and walk the troubleshooting flows',
  VIEWER: 'a viewer: you can look around but not take calls',
  OWNER: 'an owner',
};

export function AcceptInvitePage() {
  const { token = '' } = useParams();
  const auth = useAuth();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<InvitePreviewResult | null>(null);

  useEffect(() => {
    let live = true;
    void previewInvite(token).then((p) => {
      if (!live) return;
      setPreview(p);
      if (!p.ok && p.code === 'invite_invalid') {
        setInvalid(true);
        setError(p.message);
      }
    });
    return () => {
      live = false;
    };
  }, [token]);
  const team = preview?.ok ? preview : null;
  useDocumentTitle(team ? `Join ${team.accountName}` : 'Join your team');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password.length < 10) {
      setFieldErrors({ password: 'Use at least 10 characters.' });
      return;
    }
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const r = await acceptInvite(token, name.trim(), password);
      if (r.ok) {
        navigate('/', { replace: true });
        return;
      }
      if (r.code === 'invite_invalid') setInvalid(true);
      const byField: Record<string, string> = {};
      for (const i of r.issues ?? []) if (i.path[0]) byField[i.path[0]] = i.message;
      setFieldErrors(byField);
      setError(r.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="brand-mark" aria-hidden="true">
            L1
          </span>
          <span>L1 Workspace</span>
        </div>
        {invalid ? (
          <>
            <h1>This invite can’t be used</h1>
            <div className="banner banner-error" role="alert">
              {error}
            </div>
            <p className="muted">Ask your admin to send you a new invite.</p>
            <Link to="/sign-in" className="btn btn-secondary btn-block">
              Go to sign in
            </Link>
          </>
        ) : (
          <>
            <h1>
              {team ? (
                <>
                  Join <bdi>{team.accountName}</bdi>
                </>
              ) : (
                'Join your team'
              )}
            </h1>
            {!preview ? (
              <div className="join-summary" aria-busy="true">
                <Spinner label="Checking your invite" />
              </div>
            ) : team ? (
              <div className="join-summary" data-testid="invite-summary">
                {team.inviterName ? (
                  <>
                    <strong>{team.inviterName}</strong> invited you
                  </>
                ) : (
                  'You are invited'
                )}{' '}
                to join <strong>{team.accountName}</strong> as {ROLE_WORDS[team.role] ?? ROLE_LABELS[team.role]}.
                <br />
                You will sign in as <strong>{team.email}</strong>. This invite works until {formatDate(team.expiresAt)}.
              </div>
            ) : null}
            <p className="muted">Choose the name your colleagues will see and a password.</p>
            {auth.status === 'signed-in' && (
              <div className="banner banner-info" role="status">
                You are signed in as {auth.name}. Accepting signs you in as the invited person instead.
              </div>
            )}
            {error && (
              <div className="banner banner-error" role="alert">
                {error}
              </div>
            )}
            <form onSubmit={submit} className="stack">
              <div className={`field ${fieldErrors.name ? 'field-invalid' : ''}`}>
                <label htmlFor="name">Your name</label>
                <input id="name" required autoFocus autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
                {fieldErrors.name && <div className="field-error">{fieldErrors.name}</div>}
              </div>
              <div className={`field ${fieldErrors.password ? 'field-invalid' : ''}`}>
                <label htmlFor="password">Password</label>
                <input
                  id="password"
                  type="password"
                  required
                  autoComplete="new-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  aria-describedby="password-hint"
                />
                {fieldErrors.password ? (
                  <div className="field-error">{fieldErrors.password}</div>
                ) : (
                  <div className="field-hint" id="password-hint">
                    At least 10 characters.
                  </div>
                )}
              </div>
              <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
                {busy ? 'Joining…' : 'Join and sign in'}
              </button>
            </form>
          </>
        )}
      </div>
    </div>
  );
}
