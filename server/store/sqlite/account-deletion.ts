// Deleting an account on the embedded store: every statement of it, run by
// SqliteAccountStore inside one transaction (see AccountStore.deleteAccount).
// The user row stays as a tombstone, so nothing cascades from it: every table
// that holds the user's rows is named here.
import type { AccountDeletion, DeletedAccount } from '../accounts.ts';
import type { Db } from './database.ts';

/** Rooms nobody but their owner ever joined or contributed to, and with no live work published from them. */
const SOLO_ROOMS = `SELECT r.id FROM rooms r WHERE r.owner_id = ?1
  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id <> ?1)
  AND NOT EXISTS (SELECT 1 FROM room_contributors c WHERE c.room_id = r.id AND c.user_id <> ?1)
  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.room_id = r.id AND j.requested_by <> ?1)
  AND NOT EXISTS (SELECT 1 FROM works w WHERE w.room_id = r.id AND w.deleted_at IS NULL)`;

export function accountDeletionStatements(db: Db) {
  return {
    user: db.prepare('SELECT handle, handle_key FROM users WHERE id = ? AND deleted_at IS NULL'),
    soloWorks: db.prepare(
      `SELECT w.id FROM works w WHERE w.deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM work_authors a WHERE a.work_id = w.id AND a.user_id = ?1)
         AND NOT EXISTS (SELECT 1 FROM work_authors a WHERE a.work_id = w.id AND a.user_id <> ?1)`,
    ),
    tombstoneWork: db.prepare(
      `UPDATE works SET title = '', description = '', prompt = '', image_url = '', thumb_url = '',
         placeholder = '', layers = '[]', state = NULL, likes = 0, deleted_at = ?
       WHERE id = ? AND deleted_at IS NULL`,
    ),
    deleteAuthors: db.prepare('DELETE FROM work_authors WHERE work_id = ?'),
    deleteWorkLikes: db.prepare('DELETE FROM work_likes WHERE work_id = ?'),
    unlike: db.prepare(
      `UPDATE works SET likes = likes - 1
       WHERE deleted_at IS NULL AND id IN (SELECT work_id FROM work_likes WHERE user_id = ?) RETURNING id, likes`,
    ),
    deleteLikes: db.prepare('DELETE FROM work_likes WHERE user_id = ?'),
    deleteSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    deletePasskeys: db.prepare('DELETE FROM passkeys WHERE user_id = ?'),
    deleteIdentities: db.prepare('DELETE FROM identities WHERE user_id = ?'),
    soloRooms: db.prepare(SOLO_ROOMS),
    deleteRoomLog: db.prepare('DELETE FROM doc_updates WHERE room_id = ?'),
    // Its latest updates may still be in the doc log's journal (doc-journal.ts).
    deleteRoomJournal: db.prepare('DELETE FROM doc_journal WHERE room_id = ?'),
    deleteRoomSignals: db.prepare('DELETE FROM signals WHERE room_id = ?'),
    // The making-of of a room that goes (docs/live.md): what was typed there goes with it.
    deleteRoomTimeline: db.prepare('DELETE FROM timeline_frames WHERE room_id = ?'),
    deleteRoom: db.prepare('DELETE FROM rooms WHERE id = ?'),
    deleteMemberships: db.prepare('DELETE FROM memberships WHERE user_id = ?'),
    deleteRevocations: db.prepare('DELETE FROM role_revocations WHERE user_id = ?'),
    // The social layer's rows (docs/social.md): their follows and blocks either way, their comments
    // (with the replies under them) and their mentions in others', notifications to and from them,
    // mutes, the reports they filed.
    deleteFollows: db.prepare('DELETE FROM follows WHERE follower_id = ?1 OR followee_id = ?1'),
    deleteBlocks: db.prepare('DELETE FROM blocks WHERE blocker_id = ?1 OR blocked_id = ?1'),
    commentsGoing: db.prepare(
      'SELECT id, work_id FROM comments WHERE author_id = ?1 OR parent_id IN (SELECT id FROM comments WHERE author_id = ?1)',
    ),
    deleteComments: db.prepare('DELETE FROM comments WHERE author_id = ?'),
    // Others' comments that mention them keep their text; the mention (a link, a profile) goes.
    unmention: db.prepare(
      `UPDATE comments SET mentions = (SELECT json_group_array(j.value ORDER BY j.key) FROM json_each(comments.mentions) j WHERE j.value <> ?1)
       WHERE mentions <> '[]' AND EXISTS (SELECT 1 FROM json_each(comments.mentions) j WHERE j.value = ?1)`,
    ),
    deleteNotifications: db.prepare('DELETE FROM notifications WHERE recipient_id = ?1 OR actor_id = ?1'),
    deleteNotificationActors: db.prepare('DELETE FROM notification_actors WHERE actor_id = ?'),
    deleteMutes: db.prepare('DELETE FROM notification_mutes WHERE user_id = ?'),
    deleteReports: db.prepare('DELETE FROM reports WHERE reporter_id = ?'),
    deleteSignals: db.prepare('DELETE FROM signals WHERE user_id = ?'),
    holdHandle: db.prepare(
      `INSERT INTO handle_holds (handle_key, handle, user_id, until) VALUES (?, ?, ?, ?)
       ON CONFLICT (handle_key) DO UPDATE SET handle = excluded.handle, user_id = excluded.user_id, until = excluded.until`,
    ),
    tombstoneUser: db.prepare(
      `UPDATE users SET name = ?, color = ?, handle = NULL, handle_key = NULL, bio = '', avatar_url = NULL,
         account_at = NULL, share_signals = 0, deleted_at = ?
       WHERE id = ?`,
    ),
  };
}

type Statements = ReturnType<typeof accountDeletionStatements>;

/** Runs inside the caller's transaction; null when there is no such (live) user. */
export function deleteAccountRows(s: Statements, d: AccountDeletion): DeletedAccount | null {
  const user = s.user.get(d.userId);
  if (!user) return null;
  const removedWorks = s.soloWorks.all(d.userId).map((row) => String(row.id));
  for (const id of removedWorks) {
    s.tombstoneWork.run(d.at, id);
    s.deleteAuthors.run(id);
    s.deleteWorkLikes.run(id);
  }
  const unliked = s.unlike.all(d.userId).map((row) => ({ id: String(row.id), likes: Number(row.likes) }));
  s.deleteLikes.run(d.userId);
  s.deleteSessions.run(d.userId);
  s.deletePasskeys.run(d.userId);
  s.deleteIdentities.run(d.userId);
  const removedRooms = s.soloRooms.all(d.userId).map((row) => String(row.id));
  for (const id of removedRooms) {
    s.deleteRoomLog.run(id);
    s.deleteRoomJournal.run(id);
    s.deleteRoomSignals.run(id);
    s.deleteRoomTimeline.run(id);
    // Invites, memberships, role revokes, jobs and contributors go with it (ON DELETE CASCADE).
    s.deleteRoom.run(id);
  }
  s.deleteMemberships.run(d.userId);
  s.deleteRevocations.run(d.userId);
  s.deleteSignals.run(d.userId);
  const removedComments = s.commentsGoing.all(d.userId).map((row) => ({ id: String(row.id), workId: String(row.work_id) }));
  for (const statement of [
    s.deleteFollows,
    s.deleteBlocks,
    s.deleteComments,
    s.unmention,
    s.deleteNotifications,
    s.deleteNotificationActors,
    s.deleteMutes,
    s.deleteReports,
  ]) {
    statement.run(d.userId);
  }
  if (user.handle !== null && user.handle_key !== null)
    s.holdHandle.run(String(user.handle_key), String(user.handle), d.userId, d.holdUntil);
  s.tombstoneUser.run(d.tombstone.name, d.tombstone.color, d.at, d.userId);
  return { removedWorks, removedRooms, unliked, removedComments };
}
