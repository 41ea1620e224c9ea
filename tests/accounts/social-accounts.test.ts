// Accounts under the social layer: handles resolve mentions and MODERATORS,
// profiles carry follower counts, and a suspended user's sessions stop
// working at once and their passkey no longer signs in.
import { describe, expect, it } from 'vitest';
import type { ProfileResponse } from '../../shared/accounts.ts';
import type { Comment } from '../../shared/social.ts';
import type { Atelier } from '../../server/atelier.ts';
import { accountServer, accountWithPasskey, insertWork, passkeyOptions } from './helpers.ts';

async function workBy(atelier: Atelier, userId: string): Promise<string> {
  const { room } = await atelier.directory.create(userId, { title: 'R' });
  return (await insertWork(atelier, room.id, [userId], 'Harbour', { prompt: 'p' })).id;
}

describe('accounts and the social layer', () => {
  it('a handle is what @mentions resolve to; profiles count followers', async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server, 'Ann');
    const bob = await accountWithPasskey(server, 'Bob');
    await server.http.json('PATCH', '/api/session', { token: ann.token, body: { handle: 'ann_paints' }, expect: 200 });
    const workId = await workBy(server.atelier, bob.user.id);
    const { comment } = await server.http.json<{ comment: Comment }>('POST', `/api/works/${workId}/comments`, {
      token: bob.token,
      body: { body: 'Look @ann_paints — and @nobody_here' },
    });
    expect(comment.mentions.map((u) => u.id)).toEqual([ann.user.id]);
    expect(comment.mentions[0]?.handle).toBe('ann_paints');
    await server.http.json('POST', `/api/users/${ann.user.id}/follow`, { token: bob.token, expect: 200 });
    const seenByBob = await server.http.json<ProfileResponse>('GET', '/api/users/ann_paints', { token: bob.token });
    expect(seenByBob).toMatchObject({ stats: { followers: 1, following: 0 }, followedByMe: true, blockedByMe: false });
    const anonymous = await server.http.json<ProfileResponse>('GET', '/api/users/ann_paints');
    expect(anonymous).toMatchObject({ stats: { followers: 1 }, followedByMe: false });
  });

  it('MODERATORS may name a handle; suspending a user ends their sessions at once, and their passkey signs in no more', async () => {
    const server = await accountServer({ MODERATORS: 'the_moderator' });
    const mod = await accountWithPasskey(server, 'Mod');
    const ann = await accountWithPasskey(server, 'Ann');
    await server.http.json('PATCH', '/api/session', { token: mod.token, body: { handle: 'the_moderator' }, expect: 200 });
    expect(await server.http.json('GET', '/api/moderation', { token: mod.token })).toEqual({ moderator: true });
    expect(await server.http.json('GET', '/api/moderation', { token: ann.token })).toEqual({ moderator: false });

    const { report } = await server.http.json<{ report: { id: string } }>('POST', '/api/reports', {
      token: mod.token,
      body: { target: { type: 'user', id: ann.user.id }, reason: 'spam' },
    });
    await server.http.json('POST', `/api/moderation/reports/${report.id}`, { token: mod.token, body: { action: 'suspend' }, expect: 200 });
    expect((await server.http.request('GET', '/api/session', { token: ann.token })).status).toBe(401);
    const options = await passkeyOptions(server.http, 'login');
    const login = await server.http.request('POST', '/api/auth/login', { body: { response: ann.soft.authenticate(options) } });
    expect(login.status).toBe(403);
    expect(((await login.json()) as { error: { message: string } }).error.message).toContain('suspended');
    // Signed out in the store, not only refused while suspended: lifting the suspension brings no session back.
    await server.atelier.store.social.moderation.setSuspended(ann.user.id, null);
    await server.atelier.accounts.sessions.userChanged(ann.user.id);
    expect(await server.atelier.store.sessions.listSessions(ann.user.id, new Date().toISOString())).toEqual([]);
    expect((await server.http.request('GET', '/api/session', { token: ann.token })).status).toBe(401);
  });
});
