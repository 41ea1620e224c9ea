// "Your data": the export holds what the server keeps about the caller, and
// deleting the account removes it — on the embedded store and on PostgreSQL —
// leaving works made with others credited to "deleted user".
import { describe, expect, it } from 'vitest';
import type { AccountExport, ProfileResponse } from '../../shared/accounts.ts';
import type { GalleryPage, Work } from '../../shared/protocol.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import type { TestEnv } from '../helpers/server.ts';
import { type AccountServer, accountServer, accountWithPasskey, insertWork } from './helpers.ts';

const postgres = await postgresService();

const work = (server: AccountServer, roomId: string, authorIds: string[], title: string) =>
  insertWork(server.atelier, roomId, authorIds, title);

function accountData(backend: string, env: () => Promise<TestEnv>) {
  describe(`export and deletion (${backend})`, () => {
    it('exports everything that is mine, as a download', async () => {
      const server = await accountServer(await env());
      const ann = await accountWithPasskey(server, 'Ann');
      const bob = await server.http.session('Bob');
      await server.http.request('PATCH', '/api/session', { token: ann.token, body: { handle: 'ann', bio: 'Hello.' } });
      const { room } = await server.http.room(ann.token, { title: 'Mine' });
      await server.http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { listed: true } });
      const bobsRoom = await server.http.room(bob.token, { title: 'Bob’s' });
      await server.http.json('GET', `/api/rooms/${bobsRoom.room.id}?invite=${bobsRoom.invites.edit}`, { token: ann.token });
      await server.atelier.store.records.rememberMembership(bobsRoom.room.id, ann.user.id, 'editor');
      // Bob revoked Ann's editing in another room of his (hers to export), and Ann Bob's in hers (his).
      const revoked = await server.http.room(bob.token, { title: 'Revoked' });
      const revokedAt = '2026-12-07T10:00:00.000Z';
      await server.atelier.store.live.setMembership(revoked.room.id, ann.user.id, 'viewer', revokedAt);
      await server.atelier.store.live.setMembership(room.id, bob.user.id, 'viewer', revokedAt);
      const solo = await work(server, room.id, [ann.user.id], 'Alone');
      const bobs = await work(server, bobsRoom.room.id, [bob.user.id], 'Bob’s work');
      await server.http.json('POST', `/api/works/${bobs.id}/like`, { token: ann.token, expect: 200 });
      const res = await server.http.request('GET', '/api/account/export', { token: ann.token });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="atelier-ann.json"');
      const data = (await res.json()) as AccountExport;
      expect(data).toMatchObject({
        format: 'atelier-account-export',
        version: 1,
        profile: { id: ann.user.id, name: 'Ann', handle: 'ann', bio: 'Hello.', account: true, shareSignals: false },
        passkeys: [{ id: ann.passkey.id }],
        identities: [],
        works: [{ id: solo.id, title: 'Alone' }],
        likes: [{ workId: bobs.id }],
        roomsOwned: [{ id: room.id, title: 'Mine', listed: true }],
        memberships: [{ roomId: bobsRoom.room.id, role: 'editor' }],
        revocations: [{ roomId: revoked.room.id, revokedAt }],
      });
      expect(data.sessions).toHaveLength(1);
      expect(JSON.stringify(data)).not.toContain(bob.token);
      expect((await server.http.request('GET', '/api/account/export')).status).toBe(401);
    });

    it('deletes the account after a confirmation: sessions end, solo work goes, shared work stays with "deleted user"', async () => {
      const server = await accountServer(await env());
      const ann = await accountWithPasskey(server, 'Ann');
      const bob = await server.http.session('Bob');
      await server.http.request('PATCH', '/api/session', { token: ann.token, body: { handle: 'ann' } });
      const { room } = await server.http.room(ann.token);
      const solo = await work(server, room.id, [ann.user.id], 'Alone');
      const shared = await work(server, room.id, [ann.user.id, bob.user.id], 'Together');
      await server.http.json('POST', `/api/works/${shared.id}/like`, { token: ann.token, expect: 200 });

      // The confirmation is required; without it nothing happens.
      const unconfirmed = await server.http.request('DELETE', '/api/account', { token: ann.token, body: {} });
      expect(unconfirmed.status).toBe(400);
      expect((await server.http.request('GET', '/api/session', { token: ann.token })).status).toBe(200);

      const res = await server.http.request('DELETE', '/api/account', { token: ann.token, body: { confirm: true } });
      expect(res.status).toBe(204);
      expect(res.headers.get('set-cookie')).toMatch(/atelier_token=;/);
      expect((await server.http.request('GET', '/api/session', { token: ann.token })).status).toBe(401);
      expect((await server.http.request('GET', '/api/users/ann')).status).toBe(404);
      expect((await server.http.request('GET', `/api/users/${ann.user.id}`)).status).toBe(404);
      expect((await server.http.request('GET', `/api/works/${solo.id}`)).status).toBe(404);
      const together = await server.http.json<Work>('GET', `/api/works/${shared.id}`);
      expect(together.authors).toEqual([
        { id: ann.user.id, name: 'deleted user', color: '#94a3b8' },
        { id: bob.user.id, name: 'Bob', color: bob.user.color },
      ]);
      expect(together.likes).toBe(0);
      const feed = await server.http.json<GalleryPage>('GET', '/api/gallery');
      expect(feed.items.map((w) => w.id)).toEqual([shared.id]);
      // The co-author's profile still counts the shared work.
      expect((await server.http.json<ProfileResponse>('GET', `/api/users/${bob.user.id}`)).stats.works).toBe(1);
      // The passkey signs in nowhere now.
      const options = await server.http.json<{ challenge: string }>('POST', '/api/auth/passkeys/options', {
        body: { purpose: 'login' },
        expect: 200,
      });
      const login = await server.http.request('POST', '/api/auth/login', { body: { response: ann.soft.authenticate(options) } });
      expect(login.status).toBe(401);
    });
  });
}

accountData('SQLite', async () => ({}));
describeWith([postgres], 'PostgreSQL', () => {
  accountData('PostgreSQL', async () => ({ DATABASE_URL: await createTestDatabase(postgres) }));
});
