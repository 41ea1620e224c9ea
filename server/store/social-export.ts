// What an account export holds of the social layer beyond follows and
// comments: whom the user blocks, their notification settings, the
// notifications they received and the reports they filed. One set of
// queries for both SQL backends (the placeholder differs), one reading of rows.
import type { AccountExport } from '../../shared/accounts.ts';
import type { NotificationType } from '../../shared/social.ts';
import { isoString, type Row } from './record-rows.ts';
import { notificationFields, reportFields } from './social-rows.ts';

/** The export's social sections, as the wire type has them. */
export type SocialExportRows = Pick<AccountExport, 'blocks' | 'notificationSettings' | 'notifications' | 'reports'>;

/** The queries, each taking the user id as its one parameter (`?1` on SQLite, `$1` on PostgreSQL). */
export function socialExportQueries(p: string): Record<keyof SocialExportRows, string> {
  return {
    blocks: `SELECT blocked_id, created_at FROM blocks WHERE blocker_id = ${p} ORDER BY created_at, blocked_id`,
    notificationSettings: `SELECT type FROM notification_mutes WHERE user_id = ${p} ORDER BY type`,
    notifications: `SELECT id, type, actor_id, others, work_id, comment_id, room_id, created_at, read_at
      FROM notifications WHERE recipient_id = ${p} ORDER BY seq DESC`,
    reports: `SELECT id, target_type, target_id, reason, note, status, action, created_at, resolved_at
      FROM reports WHERE reporter_id = ${p} ORDER BY seq`,
  };
}

export function toSocialExport(rows: Record<keyof SocialExportRows, Row[]>): SocialExportRows {
  return {
    blocks: rows.blocks.map((row) => ({ userId: String(row.blocked_id), since: isoString(row.created_at) })),
    notificationSettings: { muted: rows.notificationSettings.map((row) => String(row.type) as NotificationType) },
    notifications: rows.notifications.map((row) => ({ ...notificationFields(row), actorId: String(row.actor_id) })),
    reports: rows.reports.map(reportFields),
  };
}
