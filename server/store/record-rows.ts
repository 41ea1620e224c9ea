// Rows of the records tables as records, the same for every SQL backend.
// Timestamps arrive as ISO text (SQLite) or Date (PostgreSQL).
import type { InviteRole, LinkAccess } from '../../shared/protocol.ts';
import type { InviteRecord, RoomRecord, UserRecord } from './records.ts';

export type Row = Record<string, unknown>;

export function isoString(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** ISO text, or null for SQL NULL. */
export const optionalIso = (value: unknown): string | null => (value === null || value === undefined ? null : isoString(value));
/** INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL. */
export const flag = (value: unknown): boolean => value === 1 || value === true || value === 1n;

export const toUser = (row: Row): UserRecord => ({
  id: String(row.id),
  name: String(row.name),
  color: String(row.color),
  handle: row.handle === null || row.handle === undefined ? null : String(row.handle),
  bio: String(row.bio ?? ''),
  avatarUrl: row.avatar_url === null || row.avatar_url === undefined ? null : String(row.avatar_url),
  createdAt: isoString(row.created_at),
  shareSignals: flag(row.share_signals),
  accountAt: optionalIso(row.account_at),
  deletedAt: optionalIso(row.deleted_at),
});

export const toRoom = (row: Row): RoomRecord => ({
  id: String(row.id),
  title: String(row.title),
  ownerId: String(row.owner_id),
  linkAccess: String(row.link_access) as LinkAccess,
  remixOf: row.remix_of === null ? null : String(row.remix_of),
  createdAt: isoString(row.created_at),
});

export const toInvite = (row: Row): InviteRecord => ({
  code: String(row.code),
  roomId: String(row.room_id),
  role: String(row.role) as InviteRole,
  createdAt: isoString(row.created_at),
});
