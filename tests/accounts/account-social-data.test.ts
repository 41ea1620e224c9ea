// "Your data" and the social layer: the export holds the caller's follows,
// comments, blocks, likes, notifications and their settings, and reports; deleting the
// account takes all of it (and their mentions in others' comments) in one go,
// on the embedded store and on PostgreSQL.
import { describe, expect, it } from 'vitest';
import type { AccountExport } from '../../shared/accounts.ts';
import type { Comment, CommentPage, NotificationPage, UserPage } from '../../shared/social.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import { type TestEnv, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { listen } from '../social/helpers.ts';
import { accountServer, accountWithPasskey, insertWork } from './helpers.ts';

const postgres = await postgresService();

function accountSocialData(backend: string, env: () => Promise<TestEnv>) {
  describe(`export and deletion with the social layer (${backend})`, () => {
    it('exports and then deletes follows, comments, mentions, blocks, notifications, their settings and reports', async () => {
      const server = await accountServer(await env());
      const { http } = server;
      const ann = await accountWithPasskey(server, 'Ann');
      const bob = await http.session('Bob');
      const cid = await http.session('Cid');
      await http.json('PATCH', '/api/session', { token: ann.token, body: { handle: 'ann_paints' }, expect: 200 });
      const { room } = await http.room(bob.token);
      const bobs = await insertWork(server.atelier, room.id, [bob.user.id], 'Harbour');

      await http.json('POST', `/api/users/${bob.user.id}/follow`, { token: ann.token, expect: 200 });
      await http.json('POST', `/api/users/${ann.user.id}/follow`, { token: bob.token, expect: 200 });
      await http.json('POST', `/api/works/${bobs.id}/like`, { token: ann.token, expect: 200 });
      await http.json('PUT', '/api/notifications/settings', { token: ann.token, body: { muted: ['like', 'remix'] }, expect: 200 });
      await http.json('POST', `/api/users/${cid.user.id}/block`, { token: ann.token, expect: 200 });
      await http.json('POST', '/api/reports', {
        token: ann.token,
        body: { target: { type: 'work', id: bobs.id }, reason: 'spam' },
        expect: 201,
      });
      const comment = async (token: string, body: string, parentId?: string) =>
        (await http.json<{ comment: Comment }>('POST', `/api/works/${bobs.id}/comments`, { token, body: { body, parentId }, expect: 201 }))
          .comment;
      const annsComment = await comment(ann.token, 'Lovely light.');
      const reply = await comment(bob.token, 'Thank you!', annsComment.id);
      const mention = await comment(bob.token, 'Ask @ann_paints, she knows boats.');
      expect(mention.mentions.map((u) => u.id)).toEqual([ann.user.id]);
      await server.atelier.social.idle();

      const data = await http.json<AccountExport>('GET', '/api/account/export', { token: ann.token });
      expect(data.follows).toEqual({
        following: [{ userId: bob.user.id, since: expect.any(String) }],
        followers: [{ userId: bob.user.id, since: expect.any(String) }],
      });
      expect(data.comments).toEqual([expect.objectContaining({ id: annsComment.id, workId: bobs.id, body: 'Lovely light.' })]);
      expect(data.likes).toEqual([{ workId: bobs.id, createdAt: expect.any(String) }]);
      expect(data.blocks).toEqual([{ userId: cid.user.id, since: expect.any(String) }]);
      expect(data.notificationSettings).toEqual({ muted: ['like', 'remix'] });
      expect(data.notifications.map((n) => [n.type, n.actorId, n.read])).toEqual([
        ['mention', bob.user.id, false],
        ['reply', bob.user.id, false],
        ['follow', bob.user.id, false],
      ]);
      expect(data.reports).toEqual([
        expect.objectContaining({ target: { type: 'work', id: bobs.id }, reason: 'spam', status: 'open', action: null }),
      ]);

      const watcher = await listen(server.origin);
      expect(await watcher.subscribe(bobs.id)).toEqual({ ok: true, subscribed: true });
      const res = await http.request('DELETE', '/api/account', { token: ann.token, body: { confirm: true } });
      expect(res.status).toBe(204);
      // The open work page drops their comment and the reply under it at once.
      await waitFor(() => watcher.removed.length === 2, WAIT_BUDGET_MS, 'comment:removed for both');
      expect(watcher.removed.map((r) => r.id).sort()).toEqual([annsComment.id, reply.id].sort());
      expect(watcher.removed.every((r) => r.workId === bobs.id)).toBe(true);
      // Their comment went with the reply under it; Bob's mention of them stays as text, linking nobody.
      const page = await http.json<CommentPage>('GET', `/api/works/${bobs.id}/comments`, { token: bob.token });
      expect(page.items.map((c) => [c.id, c.body, c.mentions])).toEqual([[mention.id, 'Ask @ann_paints, she knows boats.', []]]);
      expect(page.items.map((c) => c.id)).not.toContain(reply.id);
      for (const which of ['followers', 'following'] as const) {
        expect((await http.json<UserPage>('GET', `/api/users/${bob.user.id}/${which}`)).items).toEqual([]);
      }
      // Bob hears nothing more of them: the follow notification they caused is gone.
      const bobsNotifications = await http.json<NotificationPage>('GET', '/api/notifications', { token: bob.token });
      expect(bobsNotifications.items.filter((n) => n.actor.id === ann.user.id)).toEqual([]);
      // Their block and their report are gone with them.
      expect(await server.atelier.store.social.graph.isBlocking(ann.user.id, cid.user.id)).toBe(false);
      const reports = await server.atelier.store.social.moderation.listReports('open', { limit: 10 });
      expect(reports.filter((r) => r.reporterId === ann.user.id)).toEqual([]);
    });
  });
}

accountSocialData('SQLite', async () => ({}));
describeWith([postgres], 'PostgreSQL', () => {
  accountSocialData('PostgreSQL', async () => ({ DATABASE_URL: await createTestDatabase(postgres) }));
});
