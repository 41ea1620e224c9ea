// Redis goes away: an owner's grant is stored and acknowledged at once, and a
// sign-out answered, without waiting for Redis to take their messages to the
// other nodes. Those messages wait within the bound the adapter's room events
// have (ADAPTER_OFFLINE_MAX_COMMANDS), the oldest dropped, and the other node
// still ends with the role the store holds once Redis is back (its access
// sweep re-reads what a dropped message said).
import { expect, it } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import type { GrantAck, GrantRole } from '../../shared/live.ts';
import { joinRoom, listeningSocket } from '../live/helpers.ts';
import { clusterEnv } from '../helpers/cluster.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';
import { person } from '../social/helpers.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

const KEPT = 2;

function rolesOn(server: Atelier, roomId: string, userId: string): string[] {
  return [...(server.registry.get(roomId)?.participants.values() ?? [])].filter((p) => p.user.id === userId).map((p) => p.role);
}

describeWith([postgres, binary], 'grants and sign-outs while Redis is away', () => {
  it('are answered at once; their messages to the other node are bounded, and it ends with the stored role', async () => {
    const redis = await startPrivateRedis();
    const env = await clusterEnv({ url: redis.url }, postgres, { ADAPTER_OFFLINE_MAX_COMMANDS: String(KEPT) });
    const a = await startServer({ ...env, NODE_ID: 'node-a' });
    const b = await startServer({ ...env, NODE_ID: 'node-b' });
    const [ann, bob, cy] = await Promise.all([person(b, 'Ann'), person(b, 'Bob'), person(a, 'Cy')]);
    const { room } = await api(b.url).room(ann.token, { linkAccess: 'view' });
    const owner = listeningSocket(b.url, ann.token);
    expect(await joinRoom(owner.socket, room.id)).toMatchObject({ ok: true, role: 'owner' });
    const bobOnB = listeningSocket(b.url, bob.token);
    expect(await joinRoom(bobOnB.socket, room.id)).toMatchObject({ ok: true, role: 'viewer' });
    const bobOnA = listeningSocket(a.url, bob.token);
    expect(await joinRoom(bobOnA.socket, room.id)).toMatchObject({ ok: true, role: 'viewer' });
    // Cy is in the room on node A only: node B would have to read the board in Redis to find him.
    expect(await joinRoom(listeningSocket(a.url, cy.token).socket, room.id)).toMatchObject({ ok: true, role: 'viewer' });
    const grant = (userId: string, role: GrantRole) =>
      new Promise<GrantAck>((resolve) => owner.socket.emit('room:grant', room.id, userId, role, resolve));
    const leaving = await api(b.url).session('Dee');

    await redis.stop();
    await waitFor(() => !b.scale?.redis.isReady && !a.scale?.redis.isReady, WAIT_BUDGET_MS, 'both nodes notice Redis is gone');
    const roles: GrantRole[] = ['editor', 'viewer', 'editor', 'viewer', 'editor'];
    for (const role of roles) expect(await grant(bob.id, role)).toMatchObject({ ok: true, role });
    expect((await api(b.url).request('DELETE', '/api/session', { token: leaving.token })).status).toBe(204);
    expect(await grant(cy.id, 'editor')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // All answered while Redis was still away; node B's own connections heard each role.
    expect(b.scale!.redis.isReady).toBe(false);
    await waitFor(() => bobOnB.roles.length === roles.length, WAIT_BUDGET_MS, 'room:role on node B');
    expect(bobOnB.roles).toEqual(roles);
    expect(b.scale!.outbox.waiting.commands).toBe(KEPT);
    expect((await b.metrics.adapterDropped.get()).values[0]?.value).toBeGreaterThanOrEqual(roles.length + 1 - KEPT);
    expect(rolesOn(a, room.id, bob.id)).toEqual(['viewer']);

    await redis.start();
    await waitFor(() => rolesOn(a, room.id, bob.id)[0] === 'editor', 20_000, 'Bob an editor on node A');
    await waitFor(() => bobOnA.roles.at(-1) === 'editor', WAIT_BUDGET_MS, 'room:role editor on node A');
  }, 60_000);
});
