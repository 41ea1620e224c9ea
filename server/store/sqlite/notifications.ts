import { NOTIFICATION_TYPES, type NotificationType } from '../../../shared/social.ts';
import type { NewNotification, NotificationRecord, NotificationStore, SeqPage } from '../social.ts';
import { toNotification } from '../social-rows.ts';
import { type Db, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

const FIRST = Number.MAX_SAFE_INTEGER;
const COLUMNS = `n.seq, n.id, n.recipient_id, n.type, n.work_id, n.comment_id, n.room_id, n.others, n.created_at, n.read_at,
  a.id AS actor_id, a.name AS actor_name, a.color AS actor_color`;
const FROM = 'FROM notifications n JOIN users a ON a.id = n.actor_id';
/** What someone did before they were blocked is not shown to the blocker either. */
const UNBLOCKED = 'NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = n.recipient_id AND b.blocked_id = n.actor_id)';

export class SqliteNotificationStore implements NotificationStore {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      group: db.prepare(
        `SELECT seq, id, others, first_at FROM notifications
         WHERE recipient_id = ? AND group_key = ? AND read_at IS NULL AND first_at >= ? ORDER BY seq DESC LIMIT 1`,
      ),
      addActor: db.prepare('INSERT OR IGNORE INTO notification_actors (notification_id, actor_id) VALUES (?, ?)'),
      remove: db.prepare('DELETE FROM notifications WHERE seq = ?'),
      insert: db.prepare(
        `INSERT INTO notifications (id, recipient_id, type, actor_id, work_id, comment_id, room_id, group_key, others, first_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE n.id = ?`),
      list: db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE n.recipient_id = ? AND n.seq < ? AND ${UNBLOCKED} ORDER BY n.seq DESC LIMIT ?`),
      unread: db.prepare(`SELECT count(*) AS n FROM notifications n WHERE n.recipient_id = ? AND n.read_at IS NULL AND ${UNBLOCKED}`),
      seqOf: db.prepare('SELECT seq FROM notifications WHERE id = ? AND recipient_id = ?'),
      markRead: db.prepare('UPDATE notifications SET read_at = ? WHERE recipient_id = ? AND read_at IS NULL AND seq <= ?'),
      muted: db.prepare('SELECT type FROM notification_mutes WHERE user_id = ?'),
      unmuteAll: db.prepare('DELETE FROM notification_mutes WHERE user_id = ?'),
      mute: db.prepare('INSERT OR IGNORE INTO notification_mutes (user_id, type) VALUES (?, ?)'),
    };
  }

  async add(n: NewNotification): Promise<NotificationRecord | null> {
    const s = this.#s;
    return transaction(this.#db, () => {
      let id = n.id;
      let others = 0;
      let firstAt = n.createdAt;
      const group = n.coalesce ? s.group.get(n.recipientId, n.coalesce.key, n.coalesce.since) : undefined;
      if (group) {
        // One person liking, unliking and liking again counts once.
        if (Number(s.addActor.run(String(group.id), n.actorId).changes) === 0) return null;
        id = String(group.id);
        others = Number(group.others) + 1;
        firstAt = String(group.first_at);
        s.remove.run(Number(group.seq));
      } else if (n.coalesce) {
        s.addActor.run(id, n.actorId);
      }
      s.insert.run(
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
      );
      return toNotification(mustHave(s.get.get(id), 'notification'));
    });
  }

  async list(recipientId: string, page: SeqPage): Promise<NotificationRecord[]> {
    return this.#s.list.all(recipientId, page.before ?? FIRST, page.limit).map(toNotification);
  }

  async unread(recipientId: string): Promise<number> {
    return Number(mustHave(this.#s.unread.get(recipientId), 'count').n);
  }

  async markRead(recipientId: string, upTo: string | undefined, at: string): Promise<number | null> {
    return transaction(this.#db, () => {
      let seq = FIRST;
      if (upTo !== undefined) {
        const row = this.#s.seqOf.get(upTo, recipientId);
        if (!row) return null;
        seq = Number(row.seq);
      }
      this.#s.markRead.run(at, recipientId, seq);
      return Number(mustHave(this.#s.unread.get(recipientId), 'count').n);
    });
  }

  async muted(userId: string): Promise<Set<NotificationType>> {
    const known = new Set<string>(NOTIFICATION_TYPES);
    return new Set(
      this.#s.muted
        .all(userId)
        .map((row) => String(row.type))
        .filter((type): type is NotificationType => known.has(type)),
    );
  }

  async setMuted(userId: string, types: readonly NotificationType[]): Promise<void> {
    transaction(this.#db, () => {
      this.#s.unmuteAll.run(userId);
      for (const type of new Set(types)) this.#s.mute.run(userId, type);
    });
  }
}
