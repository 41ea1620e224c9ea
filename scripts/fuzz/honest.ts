// Honest participants in the rooms under attack, on real clients: they type
// (each edit carries a marker, so the others can time its arrival), move
// layers and cursors. Afterwards every replica must equal the server's copy.
import { setTimeout as delay } from 'node:timers/promises';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { type Client, connectClient, type Transport } from './clients.ts';
import { editLayers, MARKER, moveCursor, snapshot, type } from './edits.ts';
import type { Random } from './random.ts';

export interface HonestPeer {
  name: string;
  transport: Transport;
  roomId: string;
  client: Client;
}

export interface Divergence {
  roomId: string;
  peer: string;
  transport: Transport;
  /** The prompt lengths and state vectors of the two copies, enough to start looking. */
  server: string;
  replica: string;
  /** Where the prompts first differ, with some context of each; empty when they are equal. */
  firstDifference: string;
}

export class HonestPeers {
  readonly peers: HonestPeer[] = [];
  /** Milliseconds from an edit to its arrival at each other peer in the room. */
  readonly latencies: number[] = [];
  /** The same, by the transport of the peer it arrived at. */
  readonly latenciesTo: Record<Transport, number[]> = { 'socket.io': [], websocket: [] };
  edits = 0;
  /** Each room's document as the server holds it, measured by the convergence check. */
  readonly rooms: { roomId: string; updateBytes: number; clients: number }[] = [];
  readonly #sentAt = new Map<string, number>();
  readonly #random: Random;

  constructor(random: Random) {
    this.#random = random;
  }

  async join(url: string, token: string, roomId: string, transport: Transport, name: string, invite?: string): Promise<void> {
    const client = connectClient(transport, url, token, roomId, {}, invite);
    await client.synced;
    client.awareness.setLocalStateField('user', { id: name, name, color: '#30bced', colorLight: '#30bced33' });
    client.doc.getText(ROOTS.prompt).observe((event, transaction) => {
      if (transaction.local) return;
      const now = performance.now();
      for (const op of event.delta) {
        if (typeof op.insert !== 'string') continue;
        for (const match of op.insert.matchAll(MARKER)) {
          const sent = this.#sentAt.get(match[1] ?? '');
          if (sent === undefined) continue;
          this.latencies.push(now - sent);
          this.latenciesTo[transport].push(now - sent);
        }
      }
    });
    this.peers.push({ name, transport, roomId, client });
  }

  /** Each peer acts every `intervalMs` (± half) until stopped. */
  async run(intervalMs: number, stopped: () => boolean): Promise<void> {
    await Promise.all(
      this.peers.map(async (peer) => {
        const random = this.#random.fork();
        while (!stopped()) {
          this.#act(peer, random);
          await delay(intervalMs / 2 + random.next() * intervalMs);
        }
      }),
    );
  }

  #act(peer: HonestPeer, random: Random): void {
    const { doc, awareness } = peer.client;
    const action = random.int(0, 9);
    if (action < 6) {
      const marker = `${peer.name}:${this.edits++}`;
      this.#sentAt.set(marker, performance.now());
      type(doc, random, `«${marker}» `);
    } else if (action < 8) {
      editLayers(doc, random, peer.name);
    } else {
      moveCursor(awareness, doc, random);
    }
  }

  /**
   * Waits until every peer's copy equals the server's (read by a fresh
   * client per room on each node: with several, every node's copy), or the
   * timeout passes; returns the peers that differ.
   */
  async converge(urls: readonly string[], token: string, timeoutMs: number): Promise<Divergence[]> {
    const rooms = [...new Set(this.peers.map((p) => p.roomId))];
    const observers = new Map<string, Client[]>();
    try {
      for (const roomId of rooms) {
        const onNodes = urls.map((url) => connectClient('websocket', url, token, roomId));
        observers.set(roomId, onNodes);
        const synced = Promise.all(onNodes.map((observer) => observer.synced));
        // A room a fresh client cannot even sync with has diverged from every client.
        if (!(await Promise.race([synced.then(() => true), delay(timeoutMs).then(() => false)]))) {
          return this.peers
            .filter((peer) => peer.roomId === roomId)
            .map((peer) => ({
              roomId,
              peer: peer.name,
              transport: peer.transport,
              server: 'a fresh client could not sync with the room',
              replica: summary(peer.client.doc),
              firstDifference: '',
            }));
        }
      }
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const differing = this.peers.filter((peer) => snapshot(peer.client.doc) !== snapshot(serverDoc(observers, peer)));
        if (differing.length === 0 || performance.now() > deadline) {
          for (const [roomId, [observer]] of observers) {
            if (!observer) continue;
            this.rooms.push({
              roomId,
              updateBytes: Y.encodeStateAsUpdate(observer.doc).byteLength,
              clients: observer.doc.store.clients.size,
            });
          }
          return differing.map((peer) => {
            const server = serverDoc(observers, peer);
            return {
              roomId: peer.roomId,
              peer: peer.name,
              transport: peer.transport,
              server: summary(server),
              replica: summary(peer.client.doc),
              firstDifference: firstDifference(server, peer.client.doc),
            };
          });
        }
        await delay(200);
      }
    } finally {
      for (const onNodes of observers.values()) for (const observer of onNodes) observer.destroy();
    }
  }

  destroy(): void {
    for (const peer of this.peers) peer.client.destroy();
  }
}

/** The peer's room as a node holds it: the first node whose copy differs from the peer's, else the first's. */
function serverDoc(observers: Map<string, Client[]>, peer: HonestPeer): Y.Doc {
  const onNodes = observers.get(peer.roomId) ?? [];
  const mine = snapshot(peer.client.doc);
  const observer = onNodes.find((o) => snapshot(o.doc) !== mine) ?? onNodes[0];
  if (!observer) throw new Error(`no observer for ${peer.roomId}`);
  return observer.doc;
}

function summary(doc: Y.Doc): string {
  const parsed = JSON.parse(snapshot(doc)) as { prompt: string; layers: unknown[]; stateVector: unknown };
  return JSON.stringify({ promptChars: parsed.prompt.length, layers: parsed.layers.length, stateVector: parsed.stateVector }).slice(
    0,
    2000,
  );
}

/** Which part of the snapshot differs first (prompt, layers, candidates, meta, state vector, delete set), with context. */
function firstDifference(serverDoc: Y.Doc, replicaDoc: Y.Doc): string {
  const server = JSON.parse(snapshot(serverDoc)) as Record<string, unknown>;
  const replica = JSON.parse(snapshot(replicaDoc)) as Record<string, unknown>;
  server.deleteSet = deleteSet(serverDoc);
  replica.deleteSet = deleteSet(replicaDoc);
  for (const key of Object.keys(server)) {
    const a = typeof server[key] === 'string' ? (server[key] as string) : JSON.stringify(server[key]);
    const b = typeof replica[key] === 'string' ? (replica[key] as string) : JSON.stringify(replica[key]);
    if (a === b) continue;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    const around = (text: string) => JSON.stringify(text.slice(Math.max(0, i - 40), i + 80));
    return `${key} differs at ${i}: server ${around(a)}, replica ${around(b)}`;
  }
  return '';
}

/** Deleted ranges per client, sorted: two replicas with equal state vectors may still differ here. */
function deleteSet(doc: Y.Doc): [number, [number, number][]][] {
  const ds = Y.createDeleteSetFromStructStore(doc.store);
  return [...ds.clients.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([client, items]) => [client, items.map((item): [number, number] => [item.clock, item.len])]);
}
