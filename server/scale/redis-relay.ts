// The Yjs and awareness relay between nodes over Redis pub/sub, one channel per
// open room. What a node stores it publishes (its participants' and its own
// changes); what it receives it applies with a `remote` origin, which it
// neither stores nor publishes again. Pub/sub forgets what it could not
// deliver, so whenever Redis comes back every open room resyncs with its peers
// (state-vector exchange, like y-protocols' sync step 1 and 2) and with the log.
import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { Metrics } from '../metrics.ts';
import { type AwarenessEntry, encodeAwarenessEntries, readAwarenessUpdate } from '../rooms/awareness-message.ts';
import { isStoredHere } from '../rooms/origin.ts';
import type { Relay } from '../rooms/relay.ts';
import type { Room } from '../rooms/room.ts';
import type { OutgoingUpdate } from '../rooms/outgoing.ts';
import type { OutgoingAwareness } from '../rooms/room-presence.ts';
import { syncWithStore } from '../rooms/persistence/store-sync.ts';
import type { DocLog } from '../store/doc-log.ts';
import { decodeRelayMessage, encodeRelayMessage, type MalformedRelayMessage, type RelayMessage } from './relay-message.ts';
import { RedisNoAnswer } from './redis-answers.ts';
import type { Redis } from './redis-client.ts';

/** Awareness states one relayed message may carry (a resync sends a whole room's). */
export const MAX_RELAYED_AWARENESS_STATES = 10_000;
/** Readiness changes closer together than this cause one resync, not several. */
const RESYNC_COALESCE_MS = 50;
/** Longest caughtUp waits for Redis to answer before it gives up waiting. */
export const CATCH_UP_MAX_MS = 1000;

export interface RedisRelayDeps {
  publisher: Redis;
  /** A connection of its own: a subscribed connection can do nothing else. */
  subscriber: Redis;
  prefix: string;
  /** This process's id on the relay; unique per process, not per NODE_ID. */
  nodeId: string;
  docLog: DocLog;
  logger: Logger;
  metrics: Metrics;
}

interface Link {
  room: Room;
  channel: string;
  listener: (message: Buffer) => void;
  /** Peers heard from in this room, with the awareness client ids they announced. */
  peers: Map<string, Set<number>>;
}

export class RedisRelay implements Relay {
  readonly #deps: RedisRelayDeps;
  readonly #links = new Map<string, Link>();
  #resyncTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** This turn's caughtUp, shared by every caller until the next microtask. */
  #catchingUp: Promise<void> | undefined;

  constructor(deps: RedisRelayDeps) {
    this.#deps = deps;
    deps.publisher.on('ready', this.#onReady);
    deps.subscriber.on('ready', this.#onReady);
  }

  channel(roomId: string): string {
    return `${this.#deps.prefix}room:${roomId}`;
  }

  async roomLoaded(room: Room): Promise<void> {
    const link: Link = {
      room,
      channel: this.channel(room.id),
      listener: (message) => this.#receive(link, message),
      peers: new Map(),
    };
    this.#links.set(room.id, link);
    const subscribed = this.#deps.subscriber.subscribe(link.channel, link.listener, true);
    if (!this.#deps.subscriber.isReady) {
      // Redis is away: do not hold the join up. node-redis subscribes when it is
      // back, and the resync that follows says hello for this room too.
      subscribed.catch((err: unknown) => this.#failed(err, room.id, 'relay subscribe failed'));
      return;
    }
    try {
      await subscribed;
    } catch (err) {
      // Redis paused (redis-answers.ts): the join is not held up and says no hello yet; the resync once it answers again does.
      if (err instanceof RedisNoAnswer) return;
      throw err;
    }
    this.#hello(link);
  }

  roomUnloaded(room: Room): void {
    const link = this.#links.get(room.id);
    if (!link || link.room !== room) return;
    this.#links.delete(room.id);
    this.#deps.subscriber
      .unsubscribe(link.channel, link.listener, true)
      .catch((err: unknown) => this.#failed(err, room.id, 'relay unsubscribe failed'));
  }

  /** Unanswered in time (Redis away or paused) is no failure: it waits in the connection, done when Redis answers. */
  #failed(err: unknown, roomId: string, msg: string): void {
    if (err instanceof RedisNoAnswer) this.#deps.logger.debug({ err, roomId }, msg);
    else this.#deps.logger.warn({ err, roomId }, msg);
  }

  docUpdate(room: Room, { update, origin }: OutgoingUpdate): void {
    // Stored here ⇔ published here: a remote update was published by its owner,
    // and stored history is read from the log by every node itself.
    if (!isStoredHere(origin)) return;
    this.#publish(room.id, { type: 'update', from: this.#deps.nodeId, update });
  }

  awarenessUpdate(room: Room, { relayed }: OutgoingAwareness): void {
    // Our own participants' presence and the server's re-statements of it, once a turn (room-presence.ts).
    if (relayed) this.#publish(room.id, { type: 'awareness', from: this.#deps.nodeId, message: relayed });
  }

  /**
   * Resolves once every relay message Redis took for this node before now has
   * been applied: a PING on the subscribed connection, answered after them.
   * Another node's room event read from the adapter's stream (another
   * connection) may have overtaken the changes that node published before it
   * (a job's images before its gen:update); its delivery waits for this.
   * Resolves at once while that connection is down (nothing comes through it),
   * and after CATCH_UP_MAX_MS at most.
   */
  caughtUp(): Promise<void> {
    const { subscriber, logger } = this.#deps;
    if (!subscriber.isReady || this.#closed) return Promise.resolve();
    if (this.#catchingUp) return this.#catchingUp;
    let timer: NodeJS.Timeout | undefined;
    const answered = subscriber.ping().then(
      () => undefined,
      (err: unknown) => logger.debug({ err }, 'relay catch-up ping failed'),
    );
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CATCH_UP_MAX_MS).unref();
    });
    const caughtUp = Promise.race([answered, gaveUp]).finally(() => clearTimeout(timer));
    // What arrived with the same read (the stream hands its entries over in one go) shares this ping.
    this.#catchingUp = caughtUp;
    queueMicrotask(() => {
      this.#catchingUp = undefined;
    });
    return caughtUp;
  }

  peers(): Set<string> {
    const all = new Set<string>();
    for (const link of this.#links.values()) for (const peer of link.peers.keys()) all.add(peer);
    return all;
  }

  async peerDown(nodeId: string): Promise<void> {
    const affected = [...this.#links.values()].filter((link) => link.peers.has(nodeId));
    for (const link of affected) {
      const clients = link.peers.get(nodeId) ?? new Set<number>();
      link.peers.delete(nodeId);
      this.#removePresence(link.room, clients, nodeId);
    }
    // It may have relayed edits in the turn before its own append: whoever holds them stores them.
    await Promise.all(affected.map((link) => this.#syncWithStore(link)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#resyncTimer);
    this.#deps.publisher.off('ready', this.#onReady);
    this.#deps.subscriber.off('ready', this.#onReady);
    const links = [...this.#links.values()];
    this.#links.clear();
    if (!this.#deps.subscriber.isReady) return;
    await Promise.allSettled(links.map((link) => this.#deps.subscriber.unsubscribe(link.channel, link.listener, true)));
  }

  /** Resyncs every open room; called when either connection (re)gains Redis. */
  async resync(): Promise<void> {
    if (!this.#deps.publisher.isReady || !this.#deps.subscriber.isReady) return;
    const links = [...this.#links.values()];
    this.#deps.logger.info({ rooms: links.length }, 'relay resync');
    for (const link of links) this.#hello(link);
    await Promise.all(links.map((link) => this.#syncWithStore(link)));
  }

  #onReady = (): void => {
    if (this.#closed) return;
    clearTimeout(this.#resyncTimer);
    this.#resyncTimer = setTimeout(() => void this.resync(), RESYNC_COALESCE_MS);
  };

  async #syncWithStore(link: Link): Promise<void> {
    try {
      const result = await syncWithStore(link.room, this.#deps.docLog);
      this.#deps.metrics.relayResyncs.inc();
      if (result.applied || result.appended) this.#deps.logger.info({ roomId: link.room.id, ...result }, 'room levelled with its log');
    } catch (err) {
      this.#deps.logger.error({ err, roomId: link.room.id }, 'resync with the log failed');
    }
  }

  #hello(link: Link): void {
    if (link.room.destroyed) return;
    this.#publish(link.room.id, { type: 'hello', from: this.#deps.nodeId, stateVector: Y.encodeStateVector(link.room.doc) });
  }

  #publish(roomId: string, message: RelayMessage): void {
    const { publisher, metrics, logger } = this.#deps;
    if (!publisher.isReady) {
      // Queuing would grow without bound during an outage; the resync after it covers the gap.
      metrics.relayDropped.inc({ reason: 'redis_down' });
      return;
    }
    metrics.relayMessages.inc({ direction: 'out', type: message.type });
    publisher.publish(this.channel(roomId), Buffer.from(encodeRelayMessage(message))).catch((err: unknown) => {
      metrics.relayDropped.inc({ reason: 'redis_down' });
      logger.debug({ err, roomId }, 'relay publish failed');
    });
  }

  #receive(link: Link, data: Buffer): void {
    const { metrics, logger, nodeId } = this.#deps;
    if (link.room.destroyed || this.#links.get(link.room.id) !== link) return;
    let message: RelayMessage;
    try {
      message = decodeRelayMessage(data);
    } catch (err) {
      metrics.relayDropped.inc({ reason: 'malformed' });
      logger.warn({ err: (err as MalformedRelayMessage).message, roomId: link.room.id }, 'malformed relay message dropped');
      return;
    }
    if (message.from === nodeId) return;
    if (message.type === 'sync' && message.to !== nodeId) return;
    metrics.relayMessages.inc({ direction: 'in', type: message.type });
    if (!link.peers.has(message.from)) {
      link.peers.set(message.from, new Set());
      logger.debug({ roomId: link.room.id, peer: message.from }, 'relay peer heard in room');
    }
    try {
      this.#apply(link, message);
    } catch (err) {
      // A peer running other code, or a forged publisher: never let it take this node down.
      metrics.relayDropped.inc({ reason: 'malformed' });
      logger.warn({ err, roomId: link.room.id, from: message.from, type: message.type }, 'relay message refused');
    }
  }

  #apply(link: Link, message: RelayMessage): void {
    const { room } = link;
    switch (message.type) {
      case 'update':
        this.#applyUpdate(room, message.update, message.from);
        break;
      case 'awareness':
        this.#applyAwareness(link, message.message, message.from);
        break;
      case 'hello':
        this.#publish(room.id, {
          type: 'sync',
          from: this.#deps.nodeId,
          to: message.from,
          update: Y.encodeStateAsUpdate(room.doc, message.stateVector),
          stateVector: Y.encodeStateVector(room.doc),
          awareness: room.awarenessSnapshot(),
        });
        break;
      case 'sync':
        this.#applyUpdate(room, message.update, message.from);
        if (message.awareness) this.#applyAwareness(link, message.awareness, message.from);
        if (message.stateVector) {
          this.#publish(room.id, {
            type: 'sync',
            from: this.#deps.nodeId,
            to: message.from,
            update: Y.encodeStateAsUpdate(room.doc, message.stateVector),
            stateVector: null,
            awareness: null,
          });
        }
        break;
      default:
        message satisfies never;
    }
  }

  #applyUpdate(room: Room, update: Uint8Array, from: string): void {
    // Unlike a client's, a peer's update is not decoded in full before it is
    // applied: it comes from one of our nodes through our Redis, the same trust
    // as the log, and decoding doubles the cost of every relayed keystroke.
    room.applyRemoteUpdate(update, from);
  }

  #applyAwareness(link: Link, message: Uint8Array, from: string): void {
    const entries = readAwarenessUpdate(message, MAX_RELAYED_AWARENESS_STATES);
    const clients = link.peers.get(from) ?? new Set<number>();
    link.peers.set(from, clients);
    for (const entry of entries) {
      if (entry.removed) {
        clients.delete(entry.clientId);
        continue;
      }
      // A client that reconnected through another node belongs to that node now.
      for (const other of link.peers.values()) other.delete(entry.clientId);
      clients.add(entry.clientId);
    }
    link.room.applyRemoteAwareness(message, from);
  }

  /** Removes presence a dead peer announced, as if its participants had left. */
  #removePresence(room: Room, clients: Set<number>, from: string): void {
    const entries: AwarenessEntry[] = [];
    const local = new Set<number>();
    for (const participant of room.participants.values()) for (const id of participant.awarenessClients) local.add(id);
    for (const clientId of clients) {
      // Its participant reconnected here meanwhile: the presence is ours now.
      if (local.has(clientId)) continue;
      const meta = room.awareness.meta.get(clientId);
      if (!meta || !room.awareness.getStates().has(clientId)) continue;
      entries.push({ clientId, clock: meta.clock + 1, json: 'null', removed: true });
    }
    if (entries.length > 0) room.applyRemoteAwareness(encodeAwarenessEntries(entries), from);
  }
}
