// Follows, comments, notifications, reports and moderation (Config's `social`; docs/social.md).
import { int, list, setting } from './setting.ts';

export const socialSettings = {
  commentsPerMinute: setting(
    'COMMENTS_PER_MINUTE',
    int(1).default(10),
    'comments a user may post per minute, across all nodes (`rate_limited`)',
  ),
  followsPerMinute: setting(
    'FOLLOWS_PER_MINUTE',
    int(1).default(30),
    'follows and unfollows per user per minute, across all nodes (`rate_limited`)',
  ),
  reportsPerMinute: setting('REPORTS_PER_MINUTE', int(1).default(5), 'reports per user per minute, across all nodes (`rate_limited`)'),
  mentionsPerComment: setting(
    'MENTIONS_PER_COMMENT',
    int(0, 100).default(10),
    '`@handle`s of a comment that are linked and notified; later ones stay plain text',
  ),
  commentEditMinutes: setting('COMMENT_EDIT_MINUTES', int(0).default(10), 'how long after posting its author may edit a comment'),
  notificationCoalesceSeconds: setting(
    'NOTIFICATION_COALESCE_SECONDS',
    int(0).default(3600),
    'an unread burst of likes, follows or remixes of one thing becomes one notification for this long (0: never)',
  ),
  workSubscriptionsPerConnection: setting(
    'WORK_SUBSCRIPTIONS_PER_CONNECTION',
    int(1).default(16),
    'works one Socket.IO connection may follow at once (`work:subscribe`; `too_large`)',
  ),
  moderators: setting(
    'MODERATORS',
    list.default([]),
    'comma-separated user ids or handles of moderators, resolved when used (a handle claimed later counts)',
  ),
};
