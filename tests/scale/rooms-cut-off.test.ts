// A node cut off from Redis misses what the other nodes tell it by pub/sub:
// a moderator closing a room, an account closed with its rooms, a block. Once
// Redis is back it re-reads from the store which of its rooms were closed or
// deleted and whom their owners block, and lets go of whoever may no longer be there, on every transport, as the
// lost message would have.
import { expect, it } from 'vitest';
import { clusterEnv } from '../helpers/cluster.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { startTcpGate } from '../helpers/tcp-gate.ts';
import { everywhere, letGo, present, stays } from '../helpers/three-ways.ts';
import { person } from '../social/helpers.ts';

const redis = await redisService();
const postgres = await postgresService();

describeWith([redis, postgres], 'rooms on a node cut off from Redis', () => {
  it('a room closed on node B while node A was cut off keeps only its owner on node A once Redis is back', async () => {
    const gate = await startTcpGate(redis.url);
    const env = await clusterEnv(redis, postgres);
    const a = await startServer({ ...env, REDIS_URL: gate.url, NODE_ID: 'node-a' });
    // MODERATORS is read at start-up: node B starts once the moderator exists.
    const mod = await person(a, 'Mod');
    const b = await startServer({ ...env, NODE_ID: 'node-b', MODERATORS: mod.id });
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(a, n)));
    const { room } = await api(a.url).room(ann!.token, { linkAccess: 'edit' });
    const owner = await everywhere(a, room.id, ann!.token);
    const editor = await everywhere(a, room.id, bob!.token);
    const { report } = await api(b.url).json<{ report: { id: string } }>('POST', '/api/reports', {
      token: bob!.token,
      body: { target: { type: 'room', id: room.id }, reason: 'spam' },
    });

    gate.cut();
    await waitFor(() => !a.scale!.redis.isReady, 10_000, 'node A notices Redis is gone');
    await api(b.url).json('POST', `/api/moderation/reports/${report.id}`, { token: mod.token, body: { action: 'hide' }, expect: 200 });
    // The news went by pub/sub while node A was away: Bob is still there.
    expect(present(a, room.id)).toContain(bob!.id);

    gate.restore();
    await letGo(editor, room.id, 'forbidden');
    await stays(owner, room.id);
    expect(present(a, room.id)).toEqual([ann!.id, ann!.id, ann!.id]);
  });

  it('an account closed on node B while node A was cut off: whoever is in one of its rooms on node A is let go (not_found) once Redis is back', async () => {
    const gate = await startTcpGate(redis.url);
    const env = await clusterEnv(redis, postgres);
    const a = await startServer({ ...env, REDIS_URL: gate.url, NODE_ID: 'node-a' });
    const b = await startServer({ ...env, NODE_ID: 'node-b' });
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(a, n)));
    // Bob came by the link and has changed nothing: the room is Ann's alone, and goes with her account.
    const { room } = await api(a.url).room(ann!.token, { linkAccess: 'edit' });
    const guest = await everywhere(a, room.id, bob!.token);

    gate.cut();
    await waitFor(() => !a.scale!.redis.isReady, 10_000, 'node A notices Redis is gone');
    expect((await api(b.url).request('DELETE', '/api/account', { token: ann!.token, body: { confirm: true } })).status).toBe(204);
    expect(present(a, room.id)).toContain(bob!.id);

    gate.restore();
    await letGo(guest, room.id, 'not_found');
    expect(present(a, room.id)).toEqual([]);
  });

  it("a block made on node B while node A was cut off lets the blocked user go from the owner's room on node A once Redis is back", async () => {
    const gate = await startTcpGate(redis.url);
    const env = await clusterEnv(redis, postgres);
    const a = await startServer({ ...env, REDIS_URL: gate.url, NODE_ID: 'node-a' });
    const b = await startServer({ ...env, NODE_ID: 'node-b' });
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(a, n)));
    const { room } = await api(a.url).room(ann!.token, { linkAccess: 'edit' });
    const owner = await everywhere(a, room.id, ann!.token);
    const editor = await everywhere(a, room.id, bob!.token);

    gate.cut();
    await waitFor(() => !a.scale!.redis.isReady, 10_000, 'node A notices Redis is gone');
    await api(b.url).json('POST', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 });
    expect(present(a, room.id)).toContain(bob!.id);

    gate.restore();
    await letGo(editor, room.id, 'forbidden');
    await stays(owner, room.id);
    expect(present(a, room.id)).toEqual([ann!.id, ann!.id, ann!.id]);
  });
});
