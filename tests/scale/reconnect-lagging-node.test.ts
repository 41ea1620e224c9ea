// A client reconnecting to a node whose relay lags behind (docs/scaling.md,
// "Reconnecting to a node that lags"): the node's sync step 1 lacks what
// another participant typed on the other node, which the client has; its step
// 2 carries that with its own offline edits and is refused `forbidden` (the
// structs are someone else's). Once the relay has caught up the node asks
// again, and the offline edits come in. The lag is a barrier, not a delay:
// what Redis sends node B's relay connection waits until the client has been
// refused. On both transports.
import { expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { RoomProvider } from '../../client/realtime/room-provider.ts';
import { SocketIoProvider } from '../../client/realtime/socketio-provider.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { WireError } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, storedLog } from '../helpers/cluster.ts';
import { startRelayHold } from '../helpers/relay-hold.ts';
import { promptOf } from '../helpers/replica.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

type Transport = 'socket.io' | 'client path';

interface Editor {
  errors: WireError[];
  /** Goes offline: the document stays, and takes edits. */
  leave(): void;
}

/** A synced editor of `doc` in the room on the node at `url`. */
async function edit(transport: Transport, url: string, token: string, roomId: string, doc: Y.Doc): Promise<Editor> {
  const errors: WireError[] = [];
  if (transport === 'socket.io') {
    const socket = connectSocket(url, token);
    const provider = new SocketIoProvider(socket, roomId, doc);
    onTestFinished(() => provider.destroy());
    provider.on('error', (error) => errors.push(error));
    await provider.whenSynced();
    return {
      errors,
      leave() {
        provider.destroy();
        socket.disconnect();
      },
    };
  }
  const provider = new RoomProvider(roomId, doc, { baseUrl: url, token: () => token });
  onTestFinished(() => provider.destroy());
  provider.on('error', (error) => errors.push(error));
  await provider.whenSynced();
  return { errors, leave: () => provider.destroy() };
}

describeWith([postgres, binary], 'reconnecting to a node whose relay lags behind', () => {
  it.each<Transport>(['socket.io', 'client path'])(
    "%s: the step 2 carrying another's structs is refused, then asked for again once the relay caught up: no offline edit is lost",
    async (transport) => {
      const redis = await startPrivateRedis();
      const env = await clusterEnv({ url: redis.url }, postgres);
      const hold = await startRelayHold(redis.url);
      const a = await startServer({ ...env, NODE_ID: 'node-a' });
      const b = await startServer({ ...env, NODE_ID: 'node-b', REDIS_URL: hold.url });
      const ann = await api(a.url).session('Ann');
      const bob = await api(a.url).session('Bob');
      const { room } = await api(a.url).room(ann.token);
      // Ann on node A, and in another tab on node B, which so has the room open.
      const annDoc = new Y.Doc();
      await edit(transport, a.url, ann.token, room.id, annDoc);
      await joinWithSocketIo(b.url, ann.token, room.id);
      const onB = () => promptOf(b.registry.get(room.id)!.doc);
      const bobDoc = new Y.Doc();
      const bobOnA = await edit(transport, a.url, bob.token, room.id, bobDoc);
      annDoc.getText(ROOTS.prompt).insert(0, 'ann');
      await waitFor(() => promptOf(bobDoc) === 'ann', WAIT_BUDGET_MS, "Ann's text at Bob's");
      bobDoc.getText(ROOTS.prompt).insert(3, ' and bob');
      await waitFor(() => onB() === 'ann and bob', WAIT_BUDGET_MS, 'both on node B, by the relay');
      await waitFor(() => promptOf(annDoc) === 'ann and bob', WAIT_BUDGET_MS, "Bob's text at Ann's");

      // Node B's relay lags from here: Ann types on A, Bob (still on A) gets it, goes offline and types after it.
      hold.hold();
      annDoc.getText(ROOTS.prompt).insert(11, ', more');
      await waitFor(() => promptOf(bobDoc) === 'ann and bob, more', WAIT_BUDGET_MS, "Ann's new text at Bob's");
      bobOnA.leave();
      bobDoc.getText(ROOTS.prompt).insert(17, ', offline');

      // Bob comes back on node B: its step 1 lacks Ann's new text, so Bob's step 2 carries it with his edit.
      const bobOnB = await edit(transport, b.url, bob.token, room.id, bobDoc);
      await waitFor(() => bobOnB.errors.some((e) => e.code === 'forbidden'), WAIT_BUDGET_MS, "Bob's step 2 refused");
      expect(onB()).toBe('ann and bob');

      hold.release();
      const all = 'ann and bob, more, offline';
      await waitFor(() => promptOf(annDoc) === all, WAIT_BUDGET_MS, "Bob's offline edit, through node B, at Ann's on A");
      expect(onB()).toBe(all);
      expect(promptOf(a.registry.get(room.id)!.doc)).toBe(all);
      expect(promptOf((await storedLog(env.DATABASE_URL, room.id)).doc)).toBe(all);
      expect(bobOnB.errors.every((e) => e.code === 'forbidden' || e.code === 'unavailable')).toBe(true);
    },
    60_000,
  );
});
