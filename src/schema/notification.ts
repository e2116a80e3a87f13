import { ValidationError } from '../services/errors.ts';
import * as live from '../services/live/live.ts';
import * as notifications from '../services/notifications/notifications.ts';
import { builder } from './builder.ts';
import { resubscribeError } from './walk.ts';

export const NotificationRef = builder.prismaObject('Notification', {
  authScopes: { authenticated: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.exposeString('kind'),
    payload: t.expose('payload', { type: 'JSON' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('notifications', (t) =>
  t.prismaField({
    type: ['Notification'],
    description: 'My notifications, newest first.',
    authScopes: { authenticated: true },
    args: { first: t.arg.int({ required: false, defaultValue: 30 }), unreadOnly: t.arg.boolean({ required: false, defaultValue: false }) },
    resolve: (query, _r, args, ctx) => notifications.list(ctx, query, args),
  }),
);

builder.queryField('unreadNotificationCount', (t) =>
  t.int({ authScopes: { authenticated: true }, resolve: (_r, _a, ctx) => notifications.unreadCount(ctx) }),
);

builder.mutationField('markNotificationsRead', (t) =>
  t.field({
    type: 'Int',
    description: 'Marks the given notifications (all when ids is omitted) read; returns how many remain unread.',
    authScopes: { authenticated: true },
    args: { ids: t.arg.idList({ required: false }) },
    errors: {
      types: [ValidationError],
      directResult: false,
      result: { name: 'MarkNotificationsReadPayload' },
      dataField: { name: 'unreadCount' },
    },
    resolve: (_r, args, ctx) => notifications.markRead(ctx, { ids: args.ids?.map(String) ?? null }),
  }),
);

builder.subscriptionField('notifications', (t) =>
  t.field({
    type: NotificationRef,
    description: 'My notifications as they are created.',
    authScopes: { authenticated: true },
    subscribe: (_r, _a, ctx) => live.liveNotifications(ctx),
    resolve: (n) => {
      if (n === live.RESUBSCRIBE) throw resubscribeError();
      return n;
    },
  }),
);
