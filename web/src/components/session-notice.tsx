import { useEffect, useState } from 'react';
import { refresh, signOut } from '../lib/auth.ts';
import { idleDeadlinePassed, markActivity, useSessionExpiry } from '../lib/session-expiry.ts';
import { expiryNotice } from '../lib/auth-timing.ts';
import { formatDuration, formatTime } from '../lib/format.ts';
import './session-notice.css';

/**
 * Five minutes before the session ends, say so. An idle session can be kept ("Stay signed in"
 * refreshes it); one at the account's maximum length cannot, so the user is asked to sign in
 * again at a moment of their choosing rather than lose their place at the deadline.
 */
export function SessionNotice() {
  const expiry = useSessionExpiry();
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const notice = expiryNotice(expiry, now);

  // The open tab's idle timeout is kept here (see auth.ts): at the deadline, sign out.
  useEffect(() => {
    if (expiry && expiry.idleAt < expiry.absoluteAt && now >= expiry.idleAt && idleDeadlinePassed(now)) void signOut('idle');
  }, [expiry, now]);

  if (!notice || !expiry) return null;
  const left = Math.max(0, Math.ceil((notice.endsAt - now) / 1000));
  const minutes = Math.floor(left / 60);
  const clock = `${minutes}:${String(left % 60).padStart(2, '0')}`;
  return (
    <div
      className="session-notice"
      data-session-notice
      role="alertdialog"
      aria-labelledby="session-notice-title"
      aria-describedby="session-notice-text"
      data-kind={notice.kind}
    >
      <div className="session-notice-body">
        <div id="session-notice-title" className="session-notice-title">
          {notice.kind === 'idle' ? `You will be signed out in ${clock}` : `Your session ends in ${clock}`}
        </div>
        <p id="session-notice-text" className="session-notice-text">
          {notice.kind === 'idle'
            ? `Nothing happened here for a while. Sessions end after ${formatDuration(Math.round(expiry.idleMs / 1000))} without activity.`
            : `Sessions last at most as long as your team allows; this one ends at ${formatTime(new Date(notice.endsAt).toISOString())} and cannot be extended. Sign in again now to keep working without interruption.`}
        </p>
      </div>
      {notice.kind === 'idle' ? (
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            markActivity();
            try {
              await refresh();
            } finally {
              setBusy(false);
            }
          }}
        >
          Stay signed in
        </button>
      ) : (
        <button type="button" className="btn btn-primary" onClick={() => void signOut('renew')}>
          Sign in now
        </button>
      )}
    </div>
  );
}
