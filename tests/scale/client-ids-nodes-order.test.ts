// A person's action sees their own earlier edits on two nodes (Redis +
// PostgreSQL) too: the first edits under a Yjs client id new to the room wait
// for the id's claim in PostgreSQL, and a publish sent straight after them on
// the same connection waits for them (docs/protocol.md, "Order"), on Socket.IO
// and on the Yjs WebSocket with events. The claim is held back by an
// uncommitted row of the test's own, so the publish reaches the server while
// the edits still wait, every run.
import * as encoding from 'lib0/encoding';
import pg from 'pg';
import { expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Atelier } from '../../server/atelier.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import { YWS_MESSAGE, type WireError } from '../../shared/protocol.ts';
import { addLayer, publish, setCanvas, stripes } from '../gallery/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { type ClusterEnv, clusterEnv, twoNodesAndARoom } from '../helpers/cluster.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { syncUpdateMessage, wsSyncFrame } from '../helpers/yjs-updates.ts';
import { eventWs } from '../helpers/ws-events.ts';

const redis = await redisService();
const postgres = await postgresService();

interface HeldClaim {
  /** Resolves once a node's claim of the id waits for the row. */
  waiting(): Promise<void>;
  /** Rolls the row back: the node's claim goes through. */
  release(): Promise<void>;
}

/** Inserts the id's claim row in a transaction left open: a node claiming the id waits on it until release. */
async function holdClaim(env: ClusterEnv, roomId: string, clientId: number, userId: string): Promise<HeldClaim> {
  const holder = new pg.Client({ connectionString: env.DATABASE_URL });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('INSERT INTO room_clients (room_id, client_id, user_id) VALUES ($1, $2, $3)', [roomId, clientId, userId]);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await holder.query('ROLLBACK');
    await holder.end();
  };
  return {
    waiting: () =>
      waitFor(
        async () => {
          const { rows } = await holder.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          );
          return rows[0]!.n > 0;
        },
        WAIT_BUDGET_MS,
        "a node's claim waiting for the held row",
      ),
    release,
  };
}

/** The canvas and one visible layer, written into `doc` (three updates). */
async function paint(node: Atelier, doc: Y.Doc): Promise<void> {
  const src = await stripes(node, 32, 32, ['#aa3300']);
  setCanvas(doc, 64, 64, '#ffffff');
  doc.getText(ROOTS.prompt).insert(0, 'quick');
  addLayer(doc, { id: 'l1', src });
}

/** Whether the node's copy of the room has the awareness state `marker` from `clientId`: it took everything sent before it. */
function markerSeen(node: Atelier, roomId: string, clientId: number, marker: string): boolean {
  return node.registry.get(roomId)?.awareness.getStates().get(clientId)?.marker === marker;
}

describeWith([redis, postgres], "an action after the sender's own edits, on two nodes", () => {
  it('Socket.IO: edits under a new client id, then publish at once: the publish waits for the claim and finds the layer', async () => {
    const env = await clusterEnv(redis, postgres);
    const { a, ann, roomId } = await twoNodesAndARoom(env);
    const { socket, doc, provider } = await joinWithSocketIo(a.url, ann.token, roomId);
    const held = await holdClaim(env, roomId, doc.clientID, ann.user.id);
    try {
      // The image first: painting must not wait between the edits and the publish.
      const src = await stripes(a, 32, 32, ['#aa3300']);
      setCanvas(doc, 64, 64, '#ffffff');
      addLayer(doc, { id: 'l1', src });
      const published = publish(socket, roomId, { title: 'quick' });
      provider.awareness.setLocalStateField('marker', 'after publish');
      socket.emit('yjs:awareness', roomId, awarenessProtocol.encodeAwarenessUpdate(provider.awareness, [doc.clientID]));
      await held.waiting();
      // Sent after the publish on the same connection: the node has the publish too.
      await waitFor(() => markerSeen(a, roomId, doc.clientID, 'after publish'), WAIT_BUDGET_MS, 'the marker');
      expect(a.registry.get(roomId)!.doc.getArray(ROOTS.layers).length).toBe(0);
      await held.release();
      const answer = await published;
      expect(answer.ok ? answer.work.width : answer.error).toBe(64);
    } finally {
      await held.release();
    }
  });

  it('Yjs WebSocket with events: the same on the other node', async () => {
    const env = await clusterEnv(redis, postgres);
    const { b, ann, roomId } = await twoNodesAndARoom(env);
    const ws = eventWs(b.url, roomId, ann.token);
    await ws.next('room:joined');
    const doc = new Y.Doc();
    await paint(b, doc);
    const held = await holdClaim(env, roomId, doc.clientID, ann.user.id);
    try {
      ws.raw.send(wsSyncFrame(syncUpdateMessage(Y.encodeStateAsUpdate(doc))));
      const published = ws.call('work:publish', roomId, { title: 'quick' });
      const awareness = new awarenessProtocol.Awareness(doc);
      awareness.setLocalState({ marker: 'after publish' });
      const frame = encoding.createEncoder();
      encoding.writeVarUint(frame, YWS_MESSAGE.awareness);
      encoding.writeVarUint8Array(frame, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
      ws.raw.send(encoding.toUint8Array(frame));
      await held.waiting();
      await waitFor(() => markerSeen(b, roomId, doc.clientID, 'after publish'), WAIT_BUDGET_MS, 'the marker');
      expect(b.registry.get(roomId)!.doc.getArray(ROOTS.layers).length).toBe(0);
      await held.release();
      const answer = await published;
      expect(answer.ok ? (answer.work as { prompt: string }).prompt : answer.error).toBe('quick');
      awareness.destroy();
    } finally {
      await held.release();
    }
  });

  it('a claim that does not settle holds the connection for CLAIM_WAIT_MS only: the edit is refused (unavailable), the publish answered, the edit asked for again later', async () => {
    const env = await clusterEnv(redis, postgres, { CLAIM_WAIT_MS: '200' });
    const { a, ann, roomId } = await twoNodesAndARoom(env);
    const { socket, doc } = await joinWithSocketIo(a.url, ann.token, roomId);
    const errors: WireError[] = [];
    socket.on('room:error', (_roomId, error) => errors.push(error));
    const held = await holdClaim(env, roomId, doc.clientID, ann.user.id);
    try {
      const src = await stripes(a, 32, 32, ['#aa3300']);
      setCanvas(doc, 64, 64, '#ffffff');
      addLayer(doc, { id: 'l1', src });
      // Answered while the claim still waits: the hold ended, the update with the claim's own refusal.
      const answer = await publish(socket, roomId, { title: 'too soon' });
      expect(answer.ok ? answer.work : answer.error.message).toMatch(/no visible layer/);
      await waitFor(() => errors.length > 0, WAIT_BUDGET_MS, "the edit's refusal");
      expect(errors[0]).toMatchObject({ code: 'unavailable', message: expect.stringContaining(`claiming client id ${doc.clientID}`) });
      await held.release();
      // Claimed now: the room asks the client again, and the layer arrives.
      await waitFor(() => a.registry.get(roomId)!.doc.getArray(ROOTS.layers).length === 1, WAIT_BUDGET_MS, 'the layer, asked for again');
      const again = await publish(socket, roomId, { title: 'now' });
      expect(again.ok).toBe(true);
    } finally {
      await held.release();
    }
  });
});
