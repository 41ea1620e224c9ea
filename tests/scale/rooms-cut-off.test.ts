// A node cut off from Redis misses what the other nodes tell it by pub/sub:
// a moderator closing a room, an account closed with its rooms, a block. Once
// Redis is back it re-reads from the store which of its rooms were closed or
// deleted and whom their owners block, and lets go of whoever may no longer be there, on every transport, as the
// lost message would have.
import { expect, it } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import { clusterEnv } from '../helpers/cluster.ts';
import { reportedRoomOnTwoNodes } from '../helpers/reported-room.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { startTcpGate, type TcpGate } from '../helpers/tcp-gate.ts';
import { everywhere, letGo, present, stays } from '../helpers/three-ways.ts';
import { person } from '../social/helpers.ts';

const redis = await redisService();
const postgres = await postgresService();

/** Node A reaching Redis through a gate the test can cut, node B directly, and a room of Ann's on node A open to Bob by link. */
async function gatedPairAndRoom() {
  const gate = await startTcpGate(redis.url);
  const env = await clusterEnv(redis, postgres);
  const a = await startServer({ ...env, REDIS_URL: gate.url, NODE_ID: 'node-a' });
  const b = await startServer({ ...env, NODE_ID: 'node-b' });
  const [ann, bob] = await Promise.all([person(a, 'Ann'), person(a, 'Bob')]);
  const { room } = await api(a.url).room(ann.token, { linkAccess: 'edit' });
  return { gate, a, b, ann, bob, roomId: room.id };
}

async function cutOff(gate: TcpGate, a: Atelier): Promise<void> {
  gate.cut();
  await waitFor(() => !a.scale!.redis.isReady, WAIT_BUDGET_MS, 'node A notices Redis is gone');
}

describeWith([redis, postgres], 'rooms on a node cut off from Redis', () => {
  it('a room closed on node B while node A was cut off keeps only its owner on node A once Redis is back', async () => {
    const gate = await startTcpGate(redis.url);
    const { a, b, mod, ann, bob, roomId, owner, editor, reportId } = await reportedRoomOnTwoNodes(await clusterEnv(redis, postgres), {
      REDIS_URL: gate.url,
    });

    await cutOff(gate, a);
    await api(b.url).json('POST', `/api/moderation/reports/${reportId}`, { token: mod.token, body: { action: 'hide' }, expect: 200 });
    // The news went by pub/sub while node A was away: Bob is still there.
    expect(present(a, roomId)).toContain(bob.id);

    gate.restore();
    await letGo(editor, roomId, 'forbidden');
    await stays(owner, roomId);
    expect(present(a, roomId)).toEqual([ann.id, ann.id, ann.id]);
  });

  it('an account closed on node B while node A was cut off: whoever is in one of its rooms on node A is let go (not_found) once Redis is back', async () => {
    // Bob came by the link and has changed nothing: the room is Ann's alone, and goes with her account.
    const { gate, a, b, ann, bob, roomId } = await gatedPairAndRoom();
    const guest = await everywhere(a, roomId, bob.token);

    await cutOff(gate, a);
    expect((await api(b.url).request('DELETE', '/api/account', { token: ann.token, body: { confirm: true } })).status).toBe(204);
    expect(present(a, roomId)).toContain(bob.id);

    gate.restore();
    await letGo(guest, roomId, 'not_found');
    expect(present(a, roomId)).toEqual([]);
  });

  it("a block made on node B while node A was cut off lets the blocked user go from the owner's room on node A once Redis is back", async () => {
    const { gate, a, b, ann, bob, roomId } = await gatedPairAndRoom();
    const owner = await everywhere(a, roomId, ann.token);
    const editor = await everywhere(a, roomId, bob.token);

    await cutOff(gate, a);
    await api(b.url).json('POST', `/api/users/${bob.id}/block`, { token: ann.token, expect: 200 });
    expect(present(a, roomId)).toContain(bob.id);

    gate.restore();
    await letGo(editor, roomId, 'forbidden');
    await stays(owner, roomId);
    expect(present(a, roomId)).toEqual([ann.id, ann.id, ann.id]);
  });
});
