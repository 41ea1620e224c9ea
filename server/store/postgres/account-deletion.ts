// Deleting an account on PostgreSQL: every statement of it, run by
// PostgresAccountStore inside one transaction (see AccountStore.deleteAccount).
// The user row stays as a tombstone, so nothing cascades from it: every table
// that holds the user's rows is named here.
import type { AccountDeletion, DeletedAccount } from '../accounts.ts';
import type { Client } from './database.ts';

/** Rooms nobody but their owner ever joined or contributed to, and with no live work published from them. */
const SOLO_ROOMS = `SELECT r.id FROM rooms r WHERE r.owner_id = $1
  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id <> $1)
  AND NOT EXISTS (SELECT 1 FROM room_contributors c WHERE c.room_id = r.id AND c.user_id <> $1)
  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.room_id = r.id AND j.requested_by <> $1)
  AND NOT EXISTS (SELECT 1 FROM works w WHERE w.room_id = r.id AND w.deleted_at IS NULL)`;

/** Runs inside the caller's transaction; null when there is no such (live) user. */
export async function deleteAccountRows(client: Client, d: AccountDeletion): Promise<DeletedAccount | null> {
  const ids = async (sql: string, params: unknown[]) => (await client.query<{ id: string }>(sql, params)).rows.map((row) => row.id);
  // Locked, so a like, a handle change or a second deletion waits for this one.
  const [user] = (
    await client.query<{ handle: string | null; handle_key: string | null }>(
      'SELECT handle, handle_key FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE',
      [d.userId],
    )
  ).rows;
  if (!user) return null;
  const removedWorks = await ids(
    `UPDATE works w SET title = '', description = '', prompt = '', image_url = '', thumb_url = '',
       placeholder = '', layers = '[]', state = NULL, likes = 0, deleted_at = $2
     WHERE w.deleted_at IS NULL
       AND EXISTS (SELECT 1 FROM work_authors a WHERE a.work_id = w.id AND a.user_id = $1)
       AND NOT EXISTS (SELECT 1 FROM work_authors a WHERE a.work_id = w.id AND a.user_id <> $1)
     RETURNING w.id`,
    [d.userId, d.at],
  );
  await client.query('DELETE FROM work_authors WHERE work_id = ANY($1::text[])', [removedWorks]);
  await client.query('DELETE FROM work_likes WHERE work_id = ANY($1::text[])', [removedWorks]);
  const { rows: unliked } = await client.query<{ id: string; likes: number }>(
    `UPDATE works SET likes = likes - 1
     WHERE deleted_at IS NULL AND id IN (SELECT work_id FROM work_likes WHERE user_id = $1) RETURNING id, likes`,
    [d.userId],
  );
  for (const table of ['work_likes', 'sessions', 'passkeys', 'identities']) {
    await client.query(`DELETE FROM ${table} WHERE user_id = $1`, [d.userId]);
  }
  const removedRooms = await ids(SOLO_ROOMS, [d.userId]);
  await client.query('DELETE FROM doc_updates WHERE room_id = ANY($1::text[])', [removedRooms]);
  await client.query('DELETE FROM signals WHERE room_id = ANY($1::text[])', [removedRooms]);
  // The making-of of a room that goes (docs/live.md): what was typed there goes with it.
  await client.query('DELETE FROM timeline_frames WHERE room_id = ANY($1::text[])', [removedRooms]);
  // Invites, memberships, role revokes, jobs and contributors go with them (ON DELETE CASCADE).
  await client.query('DELETE FROM rooms WHERE id = ANY($1::text[])', [removedRooms]);
  await client.query('DELETE FROM memberships WHERE user_id = $1', [d.userId]);
  await client.query('DELETE FROM role_revocations WHERE user_id = $1', [d.userId]);
  await client.query('DELETE FROM signals WHERE user_id = $1', [d.userId]);
  const { rows: going } = await client.query<{ id: string; work_id: string }>(
    'SELECT id, work_id FROM comments WHERE author_id = $1 OR parent_id IN (SELECT id FROM comments WHERE author_id = $1)',
    [d.userId],
  );
  // The social layer's rows (docs/social.md): their follows and blocks either way, their comments
  // (with the replies under them) and their mentions in others', notifications to and from them,
  // mutes, the reports they filed.
  for (const sql of [
    'DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1',
    'DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1',
    'DELETE FROM comments WHERE author_id = $1',
    // Others' comments that mention them keep their text; the mention (a link, a profile) goes.
    `UPDATE comments SET mentions = coalesce(
       (SELECT json_agg(j.id ORDER BY j.n) FROM json_array_elements_text(comments.mentions) WITH ORDINALITY AS j(id, n) WHERE j.id <> $1),
       '[]'::json)
     WHERE mentions::text <> '[]' AND mentions::jsonb ? $1`,
    'DELETE FROM notifications WHERE recipient_id = $1 OR actor_id = $1',
    'DELETE FROM notification_actors WHERE actor_id = $1',
    'DELETE FROM notification_mutes WHERE user_id = $1',
    'DELETE FROM reports WHERE reporter_id = $1',
  ]) {
    await client.query(sql, [d.userId]);
  }
  if (user.handle !== null && user.handle_key !== null) {
    await client.query(
      `INSERT INTO handle_holds (handle_key, handle, user_id, until) VALUES ($1, $2, $3, $4)
       ON CONFLICT (handle_key) DO UPDATE SET handle = excluded.handle, user_id = excluded.user_id, until = excluded.until`,
      [user.handle_key, user.handle, d.userId, d.holdUntil],
    );
  }
  await client.query(
    `UPDATE users SET name = $2, color = $3, handle = NULL, handle_key = NULL, bio = '', avatar_url = NULL,
       account_at = NULL, share_signals = false, deleted_at = $4
     WHERE id = $1`,
    [d.userId, d.tombstone.name, d.tombstone.color, d.at],
  );
  return {
    removedWorks,
    removedRooms,
    unliked: unliked.map((row) => ({ id: row.id, likes: Number(row.likes) })),
    removedComments: going.map((row) => ({ id: row.id, workId: row.work_id })),
  };
}
