// What a notification says and where it leads, in one place for the bell and any list.
import type { Notification } from '../../shared/social.ts';
import { profileHref } from '../api/profiles.ts';

const VERBS: Record<Notification['type'], string> = {
  follow: 'followed you',
  like: 'liked your work',
  comment: 'commented on your work',
  reply: 'replied to your comment',
  mention: 'mentioned you',
  remix: 'remixed your work',
  join_request: 'asks to edit your room',
};

/** "Ann and 49 others liked your work": the actor's name is shown apart, so this is what follows it. */
export function notificationText(n: Notification): { who: string; what: string } {
  const others = n.others === 0 ? '' : ` and ${n.others} ${n.others === 1 ? 'other' : 'others'}`;
  return { who: n.actor.name, what: `${others} ${VERBS[n.type]}` };
}

/** Where clicking it goes: the work (at the comment), the room, the new follower's profile, or nowhere. */
export function notificationHref(n: Notification): string | null {
  if (n.type === 'follow') return profileHref(n.actor);
  if (n.type === 'join_request' && n.roomId) return `/r/${n.roomId}`;
  if (n.workId) return n.commentId ? `/g/${n.workId}#comment-${n.commentId}` : `/g/${n.workId}`;
  return null;
}

/** "now", "5 min", "3 h", "2 d", else the date. */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  if (seconds < 7 * 86_400) return `${Math.floor(seconds / 86_400)} d`;
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}
