// Notifications: stored, then pushed to every socket of the recipient (the
// sink fans out across nodes). Nobody hears of their own actions, of anything
// done by someone they block, or of a type they muted; bursts of likes,
// follows and remixes on one thing coalesce into one entry while it is unread.
import type { Logger } from 'pino';
import type { Notification, NotificationType } from '../../shared/social.ts';
import { randomId } from '../ids.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { GraphStore, NotificationRecord, NotificationStore } from '../store/social.ts';

/** Delivers a notification to every connection of its recipient, wherever it is. */
export interface NotificationSink {
  deliver(recipientId: string, notification: Notification): void;
}

export interface NotifyEvent {
  type: NotificationType;
  actorId: string;
  /** Everyone it concerns; the actor and anyone who blocks them are left out. */
  recipientIds: readonly string[];
  workId?: string;
  commentId?: string;
  roomId?: string;
}

/** Types whose bursts become one entry ("Ann and 49 others liked …"), keyed by what they are about. */
const COALESCED: Partial<Record<NotificationType, (event: NotifyEvent) => string>> = {
  like: (e) => `like:${e.workId ?? ''}`,
  remix: (e) => `remix:${e.workId ?? ''}`,
  follow: () => 'follow',
};

export interface NotifierDeps {
  store: NotificationStore;
  graph: GraphStore;
  /** How long an unread burst keeps collecting. */
  coalesceMs: number;
  logger: Logger;
}

export class Notifier {
  readonly #deps: NotifierDeps;
  readonly #sinks: Listeners<NotificationSink>;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(deps: NotifierDeps) {
    this.#deps = deps;
    this.#sinks = new Listeners(deps.logger, 'notifier');
  }

  /** Ways to deliver (the Socket.IO broadcaster). */
  get sinks(): Subscribable<NotificationSink> {
    return this.#sinks;
  }

  /**
   * Notifies in the background: a failure is logged and never fails what
   * caused it (a like stays liked even if its notification cannot be stored).
   * The event may still be on its way (its recipients being looked up).
   */
  notify(event: NotifyEvent | Promise<NotifyEvent>): void {
    const work = Promise.resolve(event)
      .then((e) => this.#notify(e))
      .catch((err: unknown) => this.#deps.logger.error({ err }, 'notification failed'));
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Resolves once every notification started so far is stored and sent. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  async #notify(event: NotifyEvent): Promise<void> {
    const { store, graph, coalesceMs } = this.#deps;
    const candidates = [...new Set(event.recipientIds)].filter((id) => id !== event.actorId);
    if (candidates.length === 0) return;
    const blocking = await graph.blockersAmong(event.actorId, candidates);
    const now = new Date();
    const key = COALESCED[event.type]?.(event);
    for (const recipientId of candidates) {
      if (blocking.has(recipientId)) continue;
      if ((await store.muted(recipientId)).has(event.type)) continue;
      const record = await store.add({
        id: randomId(),
        recipientId,
        type: event.type,
        actorId: event.actorId,
        ...(event.workId === undefined ? {} : { workId: event.workId }),
        ...(event.commentId === undefined ? {} : { commentId: event.commentId }),
        ...(event.roomId === undefined ? {} : { roomId: event.roomId }),
        createdAt: now.toISOString(),
        ...(key === undefined ? {} : { coalesce: { key, since: new Date(now.getTime() - coalesceMs).toISOString() } }),
      });
      if (!record) continue;
      const notification = toNotification(record);
      this.#sinks.emit('deliver', recipientId, notification);
    }
  }
}

export function toNotification(record: NotificationRecord): Notification {
  const notification: Notification = {
    id: record.id,
    type: record.type,
    actor: record.actor,
    others: record.others,
    createdAt: record.createdAt,
    read: record.read,
  };
  if (record.workId !== null) notification.workId = record.workId;
  if (record.commentId !== null) notification.commentId = record.commentId;
  if (record.roomId !== null) notification.roomId = record.roomId;
  return notification;
}
