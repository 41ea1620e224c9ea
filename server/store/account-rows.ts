// Rows of the sessions, passkeys and identities tables as records, the same
// for every SQL backend (JSON as text, flags as 0/1 or booleans, times as ISO
// text or Date).
import type { IdentityRecord, PasskeyRecord } from './accounts.ts';
import { flag, isoString, optionalIso, type Row, toRoom, toUser } from './record-rows.ts';
import type { ActiveSession, SessionRecord } from './sessions.ts';

export const toSession = (row: Row): SessionRecord => ({
  id: String(row.id),
  userId: String(row.user_id),
  createdAt: isoString(row.created_at),
  lastSeenAt: isoString(row.last_seen_at),
  expiresAt: isoString(row.expires_at),
  userAgent: String(row.user_agent),
  legacy: flag(row.legacy),
});

/**
 * A session row joined with its user's: the session's columns arrive prefixed
 * `s_` (both tables have `id` and `created_at`).
 */
export function toActiveSession(row: Row): ActiveSession {
  return {
    session: toSession({
      id: row.s_id,
      user_id: row.s_user_id,
      created_at: row.s_created_at,
      last_seen_at: row.s_last_seen_at,
      expires_at: row.s_expires_at,
      user_agent: row.s_user_agent,
      legacy: row.s_legacy,
    }),
    user: toUser(row),
  };
}

/** The session's columns under the names toActiveSession reads. */
export const SESSION_COLUMNS = `s.id AS s_id, s.user_id AS s_user_id, s.created_at AS s_created_at,
  s.last_seen_at AS s_last_seen_at, s.expires_at AS s_expires_at, s.user_agent AS s_user_agent, s.legacy AS s_legacy`;

/** Where a session works: its user (alias `u`) is neither deleted nor suspended by a moderator (docs/social.md). */
export const ACTIVE_USER = `u.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM user_moderation um WHERE um.user_id = u.id AND um.suspended_at IS NOT NULL)`;

export const toPasskey = (row: Row): PasskeyRecord => ({
  id: String(row.id),
  userId: String(row.user_id),
  publicKey: new Uint8Array(row.public_key as Uint8Array),
  counter: Number(row.counter),
  transports: JSON.parse(String(row.transports)) as string[],
  deviceType: String(row.device_type) === 'multiDevice' ? 'multiDevice' : 'singleDevice',
  backedUp: flag(row.backed_up),
  name: String(row.name),
  createdAt: isoString(row.created_at),
  lastUsedAt: optionalIso(row.last_used_at),
});

export const toIdentity = (row: Row): IdentityRecord => ({
  id: String(row.id),
  issuer: String(row.issuer),
  subject: String(row.subject),
  userId: String(row.user_id),
  email: row.email === null ? null : String(row.email),
  name: row.name === null ? null : String(row.name),
  createdAt: isoString(row.created_at),
  lastUsedAt: optionalIso(row.last_used_at),
});

export const toExportedComment = (row: Row) => ({
  id: String(row.id),
  workId: String(row.work_id),
  parentId: row.parent_id === null ? null : String(row.parent_id),
  body: String(row.body),
  createdAt: isoString(row.created_at),
  editedAt: optionalIso(row.edited_at),
});

/** A room of the export's `roomsOwned`: its row and `listed`, whether a live listing names it. */
export const toOwnedRoom = (row: Row) => ({ ...toRoom(row), listed: flag(row.listed) });

export const toFollow = (row: Row) => ({ userId: String(row.user_id), since: isoString(row.created_at) });
