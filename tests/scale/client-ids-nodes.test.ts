// Client id ownership across two nodes (Redis + PostgreSQL): an id claimed on
// one node cannot be written under on the other, even by a node that loaded
// the room before the claim, and its owner keeps it when they move nodes.
import pg from 'pg';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { WireError } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { clusterEnv, storedLog, twoNodesAndARoom } from '../helpers/cluster.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { buildUpdate, syncUpdateMessage } from '../helpers/yjs-updates.ts';
import { promptOf } from '../helpers/replica.ts';

const redis = await redisService();
const postgres = await postgresService();

describeWith([redis, postgres], 'client id ownership on two nodes', () => {
  it('a claim made on node A holds on node B, which had the room open already; the owner keeps the id on B', async () => {
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(await clusterEnv(redis, postgres));
    // B loads the room first: Ann's id is claimed after, on A.
    const onB = await joinWithSocketIo(b.url, bob.token, roomId);
    const ann1 = await joinWithYWebsocket(a.url, ann.token, roomId);
    ann1.doc.getText(ROOTS.prompt).insert(0, 'ann');
    await waitFor(() => promptOf(onB.doc) === 'ann', WAIT_BUDGET_MS, 'the relay');

    // Bob, on B, writes under Ann's id: B looks the owner up (unavailable), then refuses (forbidden).
    const socket = connectSocket(b.url, bob.token);
    const errors: WireError[] = [];
    socket.on('room:error', (_roomId, error) => errors.push(error));
    expect((await new Promise<{ ok: boolean }>((r) => socket.emit('room:join', roomId, {}, r))).ok).toBe(true);
    const client = ann1.doc.clientID;
    const spoof = syncUpdateMessage(buildUpdate([{ client, clock: 3, structs: [{ kind: 'string', text: 'SPOOF', origin: [client, 2] }] }]));
    const live = () => b.registry.get(roomId)!;
    socket.emit('yjs:sync', roomId, spoof);
    await waitFor(() => errors.length >= 1, WAIT_BUDGET_MS, 'the first refusal');
    // The owner is known once B has read the claims; then the same update is plainly forbidden.
    await waitFor(
      async () => {
        socket.emit('yjs:sync', roomId, spoof);
        await new Promise((r) => setTimeout(r, 50));
        return errors.some((e) => e.code === 'forbidden');
      },
      WAIT_BUDGET_MS,
      'forbidden',
    );
    expect(errors.every((e) => e.code === 'unavailable' || e.code === 'forbidden')).toBe(true);
    expect(promptOf(live().doc)).toBe('ann');

    // Ann moves to B with the same document (the same client id) and types on: B asks her again once it knows she owns it.
    ann1.provider.destroy();
    const { doc: again } = await joinWithYWebsocket(b.url, ann.token, roomId, undefined, ann1.doc);
    expect(again.clientID).toBe(client);
    again.getText(ROOTS.prompt).insert(3, ' again');
    await waitFor(() => promptOf(onB.doc) === 'ann again', WAIT_BUDGET_MS, "Ann's edit from B");
    expect(promptOf(live().doc)).toBe('ann again');
  });

  it("structs node B holds only by the relay, sent again: their owner's are taken once B knows her, anyone else's refused", async () => {
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(await clusterEnv(redis, postgres));
    const onB = await joinWithSocketIo(b.url, bob.token, roomId);
    const ann1 = await joinWithYWebsocket(a.url, ann.token, roomId);
    ann1.doc.getText(ROOTS.prompt).insert(0, 'ann');
    await waitFor(() => promptOf(onB.doc) === 'ann', WAIT_BUDGET_MS, 'the relay');
    // Everything Ann wrote, from her first clock: all of it on B already, her id's claim not read there yet.
    const others = new Map(Y.decodeStateVector(Y.encodeStateVector(ann1.doc)));
    others.set(ann1.doc.clientID, 0);
    const replay = syncUpdateMessage(Y.encodeStateAsUpdate(ann1.doc, Y.encodeStateVector(others)));
    const resend = async (token: string): Promise<string[]> => {
      const socket = connectSocket(b.url, token);
      const errors: WireError[] = [];
      socket.on('room:error', (_roomId, error) => errors.push(error));
      expect((await new Promise<{ ok: boolean }>((r) => socket.emit('room:join', roomId, {}, r))).ok).toBe(true);
      socket.emit('yjs:sync', roomId, replay);
      // Answered once the resend is settled (docs/protocol.md, "Order"): held while B looks the owner up, then judged.
      await new Promise((r) => socket.emit('gen:cancel', roomId, 'A'.repeat(22), r));
      return errors.map((e) => e.code);
    };
    expect(await resend(ann.token)).toEqual([]);
    expect(await resend(bob.token)).toEqual(['forbidden']);
    expect(promptOf(b.registry.get(roomId)!.doc)).toBe('ann');
  });

  it('two nodes racing for one brand-new client id: the store picks one writer, the other is refused, every replica agrees', async () => {
    const env = await clusterEnv(redis, postgres);
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(env);
    const client = 700_000_000 + Math.floor(Math.random() * 1_000_000);
    const racers = [
      { node: a, session: ann, text: 'ANN' },
      { node: b, session: bob, text: 'BOB' },
    ].map(({ node, session, text }) => {
      const socket = connectSocket(node.url, session.token);
      const errors: WireError[] = [];
      socket.on('room:error', (_roomId, error) => errors.push(error));
      const message = syncUpdateMessage(buildUpdate([{ client, clock: 0, structs: [{ kind: 'string', text }] }]));
      return { node, session, text, socket, errors, message };
    });
    for (const { socket } of racers) {
      expect((await new Promise<{ ok: boolean }>((r) => socket.emit('room:join', roomId, {}, r))).ok).toBe(true);
    }
    const prompts = () => racers.map(({ node }) => promptOf(node.registry.get(roomId)!.doc));
    // Both at once, then again while a node is still deciding (a real client resends on the sync step 1 it is sent).
    await waitFor(
      async () => {
        for (const { socket, message, errors } of racers)
          if (!errors.some((e) => e.code === 'forbidden')) socket.emit('yjs:sync', roomId, message);
        await new Promise((r) => setTimeout(r, 100));
        const [onA, onB] = prompts();
        return onA !== '' && onA === onB && racers.some(({ errors }) => errors.some((e) => e.code === 'forbidden'));
      },
      10_000,
      'one writer to win on both nodes',
    );
    const [prompt] = prompts();
    const winner = racers.find(({ text }) => text === prompt)!;
    const loser = racers.find(({ text }) => text !== prompt)!;
    expect(loser.errors.some((e) => e.code === 'forbidden')).toBe(true);
    expect(winner.errors.some((e) => e.code === 'forbidden')).toBe(false);
    // The store agrees: the winner's text only, under a claim that names the winner.
    const stored = await storedLog(env.DATABASE_URL, roomId);
    expect(promptOf(stored.doc)).toBe(winner.text);
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    const { rows } = await db.query('SELECT user_id FROM room_clients WHERE room_id = $1 AND client_id = $2', [roomId, client]);
    await db.end();
    expect(rows).toEqual([{ user_id: winner.session.user.id }]);
    for (const { socket } of racers) socket.disconnect();
  });
});
