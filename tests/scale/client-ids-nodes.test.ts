// Client id ownership across two nodes (Redis + PostgreSQL): an id claimed on
// one node cannot be written under on the other, even by a node that loaded
// the room before the claim, and its owner keeps it when they move nodes.
import { expect, it } from 'vitest';
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { WireError } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { clusterEnv, twoNodesAndARoom } from '../helpers/cluster.ts';
import { waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { buildUpdate, syncUpdateMessage } from '../helpers/yjs-updates.ts';

const redis = await redisService();
const postgres = await postgresService();
const promptOf = (doc: Y.Doc) => doc.getText(ROOTS.prompt).toString();

describeWith([redis, postgres], 'client id ownership on two nodes', () => {
  it('a claim made on node A holds on node B, which had the room open already; the owner keeps the id on B', async () => {
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(await clusterEnv(redis, postgres));
    // B loads the room first: Ann's id is claimed after, on A.
    const onB = await joinWithSocketIo(b.url, bob.token, roomId);
    const ann1 = await joinWithYWebsocket(a.url, ann.token, roomId);
    ann1.doc.getText(ROOTS.prompt).insert(0, 'ann');
    await waitFor(() => promptOf(onB.doc) === 'ann', 5000, 'the relay');

    // Bob, on B, writes under Ann's id: B looks the owner up (unavailable), then refuses (forbidden).
    const socket = connectSocket(b.url, bob.token);
    const errors: WireError[] = [];
    socket.on('room:error', (_roomId, error) => errors.push(error));
    expect((await new Promise<{ ok: boolean }>((r) => socket.emit('room:join', roomId, {}, r))).ok).toBe(true);
    const client = ann1.doc.clientID;
    const spoof = syncUpdateMessage(buildUpdate([{ client, clock: 3, structs: [{ kind: 'string', text: 'SPOOF', origin: [client, 2] }] }]));
    const live = () => b.registry.get(roomId)!;
    socket.emit('yjs:sync', roomId, spoof);
    await waitFor(() => errors.length >= 1, 5000, 'the first refusal');
    // The owner is known once B has read the claims; then the same update is plainly forbidden.
    await waitFor(
      async () => {
        socket.emit('yjs:sync', roomId, spoof);
        await new Promise((r) => setTimeout(r, 50));
        return errors.some((e) => e.code === 'forbidden');
      },
      5000,
      'forbidden',
    );
    expect(errors.every((e) => e.code === 'unavailable' || e.code === 'forbidden')).toBe(true);
    expect(promptOf(live().doc)).toBe('ann');

    // Ann moves to B with the same document (the same client id) and types on: B asks her again once it knows she owns it.
    ann1.provider.destroy();
    const { doc: again } = await joinWithYWebsocket(b.url, ann.token, roomId, undefined, ann1.doc);
    expect(again.clientID).toBe(client);
    again.getText(ROOTS.prompt).insert(3, ' again');
    await waitFor(() => promptOf(onB.doc) === 'ann again', 10_000, "Ann's edit from B");
    expect(promptOf(live().doc)).toBe('ann again');
  });
});
