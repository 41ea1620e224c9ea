// Rows of the social tables as records, the same for every SQL backend. JSON
// arrives as text (SQLite) or parsed (PostgreSQL); timestamps as ISO text or Date.
import type { PublicUser } from '../../shared/protocol.ts';
import type { ModerationAction, NotificationType, ReportReason, ReportStatus, ReportTargetType } from '../../shared/social.ts';
import { isoString, optionalIso, type Row } from './record-rows.ts';
import type { AuditRecord, CommentRecord, NotificationRecord, ReportRecord } from './social.ts';

const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const optional = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/**
 * A user as every list shows them; `prefix` names the row's columns (`author_`
 * for `author_id`, …). `handle` and `avatar_url` come along where the query
 * selects them (docs/accounts.md: `user = {id, name, color, handle?, avatarUrl?}`).
 */
export function toPublicUser(row: Row, prefix = ''): PublicUser {
  const user: PublicUser = { id: String(row[`${prefix}id`]), name: String(row[`${prefix}name`]), color: String(row[`${prefix}color`]) };
  const handle = row[`${prefix}handle`];
  const avatarUrl = row[`${prefix}avatar_url`];
  if (typeof handle === 'string') user.handle = handle;
  if (typeof avatarUrl === 'string') user.avatarUrl = avatarUrl;
  return user;
}

export function toComment(row: Row): CommentRecord {
  return {
    id: String(row.id),
    workId: String(row.work_id),
    parentId: optional(row.parent_id),
    author: toPublicUser(row, 'author_'),
    body: String(row.body),
    // Only users that still exist: a deleted account drops out of the mentions it was in.
    mentions: parsed<Row[]>(row.mention_users ?? '[]').map((mention) => toPublicUser(mention)),
    createdAt: isoString(row.created_at),
    editedAt: optionalIso(row.edited_at),
    hidden: row.hidden_at !== null || row.author_hidden === 1 || row.author_hidden === true,
    thread: Number(row.thread_seq),
    seq: Number(row.seq),
  };
}

/** A notification's own columns, read the same for the store and for an account export. */
export function notificationFields(row: Row) {
  return {
    id: String(row.id),
    type: String(row.type) as NotificationType,
    others: Number(row.others),
    workId: optional(row.work_id),
    commentId: optional(row.comment_id),
    roomId: optional(row.room_id),
    createdAt: isoString(row.created_at),
    read: row.read_at !== null,
  };
}

export function toNotification(row: Row): NotificationRecord {
  return {
    ...notificationFields(row),
    seq: Number(row.seq),
    recipientId: String(row.recipient_id),
    actor: toPublicUser(row, 'actor_'),
  };
}

/** What a reporter may see of a report, read the same for the store and for an account export. */
export function reportFields(row: Row) {
  return {
    id: String(row.id),
    target: { type: String(row.target_type) as ReportTargetType, id: String(row.target_id) },
    reason: String(row.reason) as ReportReason,
    note: optional(row.note),
    status: String(row.status) as ReportStatus,
    action: optional(row.action) as ModerationAction | null,
    createdAt: isoString(row.created_at),
    resolvedAt: optionalIso(row.resolved_at),
  };
}

export function toReport(row: Row): ReportRecord {
  return {
    ...reportFields(row),
    seq: Number(row.seq),
    reporterId: String(row.reporter_id),
    resolvedBy: optional(row.resolved_by),
  };
}

export function toAudit(row: Row): AuditRecord {
  return {
    id: String(row.id),
    seq: Number(row.seq),
    moderatorId: String(row.moderator_id),
    action: String(row.action) as ModerationAction,
    target: { type: String(row.target_type) as ReportTargetType, id: String(row.target_id) },
    reportId: optional(row.report_id),
    at: isoString(row.at),
  };
}

/** Which table holds the hidden flag of a report target (by `id`); users' is user_moderation. */
export const TARGET_TABLES: Record<Exclude<ReportTargetType, 'user'>, string> = {
  work: 'works',
  comment: 'comments',
  room: 'rooms',
};
