// Follows, blocks, comments, notifications, search, reports and moderation
// requests (docs/social.md).
import type { GalleryPage } from '../../shared/protocol.ts';
import type {
  AuditPage,
  BlockResponse,
  Comment,
  CommentPage,
  FollowResponse,
  ModerationAction,
  ModerationPage,
  NotificationPage,
  NotificationSettings,
  NotificationType,
  Report,
  ReportReason,
  ReportStatus,
  ReportTarget,
  SearchPage,
  SearchType,
  SocialSummary,
  TagCount,
  UserPage,
} from '../../shared/social.ts';
import { request } from './http.ts';
import { ensureSession } from './session.ts';

const enc = encodeURIComponent;
const query = (params: Record<string, string | number | null | undefined>) => {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') q.set(key, String(value));
  const text = q.toString();
  return text ? `?${text}` : '';
};

export async function setFollowing(userId: string, following: boolean): Promise<FollowResponse> {
  await ensureSession();
  return request<FollowResponse>(following ? 'POST' : 'DELETE', `/api/users/${enc(userId)}/follow`);
}

export async function setBlocked(userId: string, blocked: boolean): Promise<BlockResponse> {
  await ensureSession();
  return request<BlockResponse>(blocked ? 'POST' : 'DELETE', `/api/users/${enc(userId)}/block`);
}

export async function socialSummary(userId: string): Promise<SocialSummary> {
  await ensureSession();
  return request<SocialSummary>('GET', `/api/users/${enc(userId)}/social`);
}

export async function followList(userId: string, which: 'followers' | 'following', cursor: string | null): Promise<UserPage> {
  return request<UserPage>('GET', `/api/users/${enc(userId)}/${which}${query({ cursor })}`);
}

export async function fetchComments(workId: string, cursor: string | null, signal?: AbortSignal): Promise<CommentPage> {
  await ensureSession();
  return request<CommentPage>('GET', `/api/works/${enc(workId)}/comments${query({ cursor, limit: 50 })}`, signal ? { signal } : {});
}

export async function postComment(workId: string, body: string, parentId?: string | null): Promise<Comment> {
  await ensureSession();
  const { comment } = await request<{ comment: Comment }>('POST', `/api/works/${enc(workId)}/comments`, {
    body: parentId ? { body, parentId } : { body },
  });
  return comment;
}

export async function editComment(id: string, body: string): Promise<Comment> {
  const { comment } = await request<{ comment: Comment }>('PATCH', `/api/comments/${enc(id)}`, { body: { body } });
  return comment;
}

export async function deleteComment(id: string): Promise<void> {
  await request<void>('DELETE', `/api/comments/${enc(id)}`);
}

export async function fetchNotifications(cursor: string | null): Promise<NotificationPage> {
  await ensureSession();
  return request<NotificationPage>('GET', `/api/notifications${query({ cursor, limit: 20 })}`);
}

export async function markNotificationsRead(upTo?: string): Promise<{ unread: number }> {
  return request<{ unread: number }>('POST', '/api/notifications/read', { body: upTo ? { upTo } : {} });
}

export async function notificationSettings(): Promise<NotificationSettings> {
  await ensureSession();
  return request<NotificationSettings>('GET', '/api/notifications/settings');
}

export async function muteNotifications(muted: NotificationType[]): Promise<NotificationSettings> {
  return request<NotificationSettings>('PUT', '/api/notifications/settings', { body: { muted } });
}

export async function search(q: string, type: SearchType, cursor: string | null, signal?: AbortSignal): Promise<SearchPage> {
  await ensureSession();
  return request<SearchPage>('GET', `/api/search${query({ q, type, cursor })}`, signal ? { signal } : {});
}

export async function popularTags(limit = 12): Promise<TagCount[]> {
  return (await request<{ items: TagCount[] }>('GET', `/api/tags${query({ limit })}`)).items;
}

export async function fetchFeed(
  options: { sort: 'new' | 'top' | 'following'; tag?: string | null },
  cursor: string | null,
  limit: number,
  signal?: AbortSignal,
): Promise<GalleryPage> {
  await ensureSession();
  return request<GalleryPage>(
    'GET',
    `/api/gallery${query({ sort: options.sort, tag: options.tag, limit, cursor })}`,
    signal ? { signal } : {},
  );
}

export async function report(target: ReportTarget, reason: ReportReason, note?: string): Promise<Report> {
  await ensureSession();
  return (await request<{ report: Report }>('POST', '/api/reports', { body: note ? { target, reason, note } : { target, reason } })).report;
}

/** Whether I moderate (the server says 403 otherwise). */
export async function amModerator(): Promise<boolean> {
  await ensureSession();
  try {
    return (await request<{ moderator: boolean }>('GET', '/api/moderation')).moderator === true;
  } catch {
    return false;
  }
}

export async function moderationQueue(status: ReportStatus, cursor: string | null): Promise<ModerationPage> {
  return request<ModerationPage>('GET', `/api/moderation/reports${query({ status, cursor })}`);
}

export async function moderate(reportId: string, action: ModerationAction): Promise<Report> {
  return (await request<{ report: Report }>('POST', `/api/moderation/reports/${enc(reportId)}`, { body: { action } })).report;
}

export async function auditLog(cursor: string | null): Promise<AuditPage> {
  return request<AuditPage>('GET', `/api/moderation/audit${query({ cursor })}`);
}
