import { NOTIFICATION_TYPES, type NotificationType } from '../../../shared/social.ts';
import type { Row } from '../record-rows.ts';
import type { NewNotification, NotificationRecord, NotificationStore, SeqPage } from '../social.ts';
import { toNotification } from '../social-rows.ts';
import { type Client, LOCK_SPACE, type Pool, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

const FIRST = String(Number.MAX_SAFE_INTEGER);
const COLUMNS = `n.seq, n.id, n.recipient_id, n.type, n.work_id, n.comment_id, n.room_id, n.others, n.created_at, n.read_at,
  a.id AS actor_id, a.name AS actor_name, a.color AS actor_color`;
const FROM = 'FROM notifications n JOIN users a ON a.id = n.actor_id';
/** What someone did before they were blocked is not shown to the blocker either. */
const UNBLOCKED = 'NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = n.recipient_id AND b.blocked_id = n.actor_id)';

export class PostgresNotificationStore implements NotificationStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async add(n: NewNotification): Promise<NotificationRecord | null> {
    return transaction(this.#pool, async (client) => {
      let id = n.id;
      let others = 0;
      let firstAt = n.createdAt;
      if (n.coalesce) {
        // Two nodes adding to the same burst at once take turns, so it stays one entry.
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          LOCK_SPACE.notifications,
          `${n.recipientId}|${n.coalesce.key}`,
        ]);
        const { rows } = await client.query<Row>(
          `SELECT seq, id, others, first_at FROM notifications
           WHERE recipient_id = $1 AND group_key = $2 AND read_at IS NULL AND first_at >= $3 ORDER BY seq DESC LIMIT 1`,
          [n.recipientId, n.coalesce.key, n.coalesce.since],
        );
        const group = rows[0];
        const target = group ? String(group.id) : id;
        const added = await client.query(
          'INSERT INTO notification_actors (notification_id, actor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [target, n.actorId],
        );
        if (group) {
          // One person liking, unliking and liking again counts once.
          if (!added.rowCount) return null;
          id = target;
          others = Number(group.others) + 1;
          firstAt = group.first_at instanceof Date ? group.first_at.toISOString() : String(group.first_at);
          await client.query('DELETE FROM notifications WHERE seq = $1', [group.seq]);
        }
      }
      await client.query(
        `INSERT INTO notifications (id, recipient_id, type, actor_id, work_id, comment_id, room_id, group_key, others, first_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          n.recipientId,
          n.type,
          n.actorId,
          n.workId ?? null,
          n.commentId ?? null,
          n.roomId ?? null,
          n.coalesce?.key ?? null,
          others,
          firstAt,
          n.createdAt,
        ],
      );
      return this.#get(id, client);
    });
  }

  async #get(id: string, client: Pool | Client): Promise<NotificationRecord> {
    const { rows } = await client.query<Row>(`SELECT ${COLUMNS} ${FROM} WHERE n.id = $1`, [id]);
    return toNotification(mustHave(rows[0], 'notification'));
  }

  async list(recipientId: string, page: SeqPage): Promise<NotificationRecord[]> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT ${COLUMNS} ${FROM} WHERE n.recipient_id = $1 AND n.seq < $2::bigint AND ${UNBLOCKED} ORDER BY n.seq DESC LIMIT $3`,
      [recipientId, page.before ?? FIRST, page.limit],
    );
    return rows.map(toNotification);
  }

  async unread(recipientId: string, client: Pool | Client = this.#pool): Promise<number> {
    const { rows } = await client.query<Row>(
      `SELECT count(*) AS n FROM notifications n WHERE n.recipient_id = $1 AND n.read_at IS NULL AND ${UNBLOCKED}`,
      [recipientId],
    );
    return Number(mustHave(rows[0], 'count').n);
  }

  async markRead(recipientId: string, upTo: string | undefined, at: string): Promise<number | null> {
    return transaction(this.#pool, async (client) => {
      let seq = FIRST;
      if (upTo !== undefined) {
        const { rows } = await client.query<Row>('SELECT seq FROM notifications WHERE id = $1 AND recipient_id = $2', [upTo, recipientId]);
        if (!rows[0]) return null;
        seq = String(rows[0].seq);
      }
      await client.query('UPDATE notifications SET read_at = $1 WHERE recipient_id = $2 AND read_at IS NULL AND seq <= $3::bigint', [
        at,
        recipientId,
        seq,
      ]);
      return this.unread(recipientId, client);
    });
  }

  async muted(userId: string): Promise<Set<NotificationType>> {
    const known = new Set<string>(NOTIFICATION_TYPES);
    const { rows } = await this.#pool.query<Row>('SELECT type FROM notification_mutes WHERE user_id = $1', [userId]);
    return new Set(rows.map((row) => String(row.type)).filter((type): type is NotificationType => known.has(type)));
  }

  async setMuted(userId: string, types: readonly NotificationType[]): Promise<void> {
    await transaction(this.#pool, async (client) => {
      await client.query('DELETE FROM notification_mutes WHERE user_id = $1', [userId]);
      await client.query('INSERT INTO notification_mutes (user_id, type) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [
        userId,
        [...new Set(types)],
      ]);
    });
  }
}
