import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import { graphql } from '../gql/index.ts';
import { humanize, relativeTime } from '../lib/format.ts';
import { unwrap } from '../lib/errors.ts';
import { canUseL1Desk } from '../lib/roles.ts';
import { useMe } from './me.tsx';
import { useResync } from './resync.tsx';
import { useToast } from './toasts.tsx';
import { EmptyState, SkeletonRows } from './ui.tsx';
import './bell.css';

const UnreadDoc = graphql(`
  query Bell_Unread {
    unreadNotificationCount
  }
`);

const ListDoc = graphql(`
  query Bell_List {
    notifications(first: 20) {
      id
      kind
      payload
      readAt
      createdAt
    }
  }
`);

const LiveDoc = graphql(`
  subscription Bell_Live {
    notifications {
      id
      kind
      payload
      readAt
      createdAt
    }
  }
`);

const MarkReadDoc = graphql(`
  mutation Bell_MarkRead($ids: [ID!]) {
    markNotificationsRead(ids: $ids) {
      __typename
      ... on MarkNotificationsReadPayload {
        unreadCount
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

interface NotificationPayload {
  ticketId?: string;
  walkId?: string;
  problemStatement?: string;
  reasonCategory?: string;
  escalatedBy?: string;
  /** Who took, asked for or handed back a call. */
  by?: string;
  canAskBack?: boolean;
}

/** What a notification says, and the item it opens (escalations for engineers, walks for the desk). */
function describe(
  kind: string,
  payload: unknown,
  can: { escalations: boolean; walks: boolean },
): { title: string; text: string; href: string | null } {
  const p = (payload ?? {}) as NotificationPayload;
  const walk = p.walkId && can.walks ? `/l1/walk/${p.walkId}` : null;
  switch (kind) {
    case 'escalation':
      return {
        title: 'New escalation',
        text: `${p.escalatedBy ?? 'Someone'} escalated “${p.problemStatement ?? 'a call'}”${p.reasonCategory ? ` · ${humanize(p.reasonCategory)}` : ''}`,
        href: can.escalations ? `/engineer/escalations${p.ticketId ? `?ticket=${p.ticketId}` : ''}` : null,
      };
    case 'walk_taken_over':
      return {
        title: 'Your call was taken over',
        text: `${p.by ?? 'A coverer'} took over your call.${p.canAskBack ? ' You can ask for it back.' : ''}`,
        href: walk,
      };
    case 'walk_handback_requested':
      return { title: 'Call back requested', text: `${p.by ?? 'The technician'} asked for their call back.`, href: walk };
    case 'walk_handed_back':
      return { title: 'A call is yours again', text: `${p.by ?? 'A coverer'} handed the call back to you.`, href: walk };
    default:
      return { title: humanize(kind), text: '', href: null };
  }
}

/** The header bell: a live unread count and the latest notifications. */
export function Bell({ canOpenEscalations }: { canOpenEscalations: boolean }) {
  const me = useMe();
  const can = { escalations: canOpenEscalations, walks: canUseL1Desk(me) };
  const [open, setOpen] = useState(false);
  const [unread, refetchUnread] = useQuery({ query: UnreadDoc });
  const [list] = useQuery({ query: ListDoc, pause: !open });
  useSubscription({ query: LiveDoc });
  const [, markRead] = useMutation(MarkReadDoc);
  const toast = useToast();
  const navigate = useNavigate();
  const panel = useRef<HTMLDivElement>(null);
  useResync(() => refetchUnread({ requestPolicy: 'network-only' }));

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (panel.current && !panel.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const count = unread.data?.unreadNotificationCount ?? 0;
  const mark = async (ids?: string[]) => {
    const r = await markRead({ ids: ids ?? null });
    unwrap(r.data?.markNotificationsRead, r.error, 'MarkNotificationsReadPayload', toast.failure);
  };

  return (
    <div className="bell" ref={panel}>
      <button
        type="button"
        className="icon-btn bell-btn"
        aria-label={count ? `Notifications, ${count} unread` : 'Notifications'}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
          <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {count > 0 && (
          <span className="bell-count" data-testid="bell-count">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && (
        <div className="popover bell-panel" role="dialog" aria-label="Notifications">
          <div className="popover-header">
            <strong>Notifications</strong>
            <button type="button" className="btn btn-ghost btn-sm" disabled={count === 0} onClick={() => void mark()}>
              Mark all read
            </button>
          </div>
          <div className="popover-body">
            {list.fetching && !list.data ? (
              <SkeletonRows rows={3} />
            ) : !list.data?.notifications.length ? (
              <EmptyState title="You're all caught up" icon="check">
                Escalations and other news for you appear here.
              </EmptyState>
            ) : (
              <ul className="notif-list">
                {list.data.notifications.map((n) => {
                  const d = describe(n.kind, n.payload, can);
                  return (
                    <li key={n.id}>
                      <button
                        type="button"
                        className={`notif ${n.readAt ? '' : 'notif-unread'}`}
                        onClick={() => {
                          if (!n.readAt) void mark([n.id]);
                          setOpen(false);
                          if (d.href) navigate(d.href);
                        }}
                      >
                        <span className="notif-title">{d.title}</span>
                        <span className="notif-text">{d.text}</span>
                        <span className="notif-time">{relativeTime(n.createdAt)}</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
