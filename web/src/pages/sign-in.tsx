import { type FormEvent, useState } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Spinner } from '../components/ui.tsx';
import { type AuthState, signIn } from '../lib/auth.ts';
import { useDocumentTitle } from '../lib/hooks.ts';
import './auth.css';

const BANNERS: Record<string, { tone: string; text: string }> = {
  expired: { tone: 'warning', text: 'Your session expired, please sign in again' },
  idle: { tone: 'warning', text: 'You were signed out after a period without activity. Sign in to continue where you were.' },
  renew: { tone: 'info', text: 'Sign in again to start a new session; you will be taken back to where you were.' },
  revoked: { tone: 'warning', text: 'You were signed out. Please sign in again.' },
  'signed-out': { tone: 'info', text: 'You have signed out.' },
  unreachable: { tone: 'error', text: 'The server could not be reached. Sign in when it is back.' },
};

export function SignInPage({ auth }: { auth: AuthState }) {
  useDocumentTitle('Sign in');
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (auth.status === 'loading') {
    return (
      <div className="splash">
        <Spinner />
      </div>
    );
  }
  if (auth.status === 'signed-in') return <Navigate to={from && from !== '/sign-in' ? from : '/'} replace />;
  const banner = auth.reason ? BANNERS[auth.reason] : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await signIn(email.trim(), password);
      if (!r.ok) {
        setError(
          r.code === 'rate_limited' && r.retryAfterSeconds
            ? `${r.message} Try again in ${Math.ceil(r.retryAfterSeconds / 60)} min.`
            : r.message,
        );
      }
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
        <h1>Sign in</h1>
        <p className="muted">Welcome back. Sign in to pick up calls, walks and escalations.</p>
        {banner && !error && (
          <div className={`banner banner-${banner.tone}`} role="status">
            {banner.text}
          </div>
        )}
        {error && (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        )}
        <form onSubmit={submit} className="stack">
          <div className="field">
            <label htmlFor="email">Email</label>
            <input
              id="email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="auth-foot muted">New here? Ask your admin for an invite link.</p>
      </div>
    </div>
  );
}
