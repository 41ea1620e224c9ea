// People are found by their handle as well as their name (`GET /api/search?type=users`),
// the last word as a prefix, on the embedded store and on PostgreSQL; a changed
// handle is found by its new words only, a deleted account not at all.
import { describe, expect, it } from 'vitest';
import type { SearchPage } from '../../shared/social.ts';
import type { PublicUser } from '../../shared/protocol.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import type { TestEnv } from '../helpers/server.ts';
import { accountServer, accountWithPasskey } from './helpers.ts';

const postgres = await postgresService();

function handleSearch(backend: string, env: () => Promise<TestEnv>) {
  describe(`user search by handle (${backend})`, () => {
    it('finds a person by a prefix of their handle, and forgets a handle they changed', async () => {
      const server = await accountServer(await env());
      const ann = await accountWithPasskey(server, 'Ann Lee');
      const bob = await accountWithPasskey(server, 'Bob');
      const guest = await server.http.session('Paintbrush Guest');
      await server.http.json('PATCH', '/api/session', { token: ann.token, body: { handle: 'harbour_painter' }, expect: 200 });
      await server.http.json('PATCH', '/api/session', { token: bob.token, body: { handle: 'bob_sketches' }, expect: 200 });
      const users = async (q: string) => {
        const page = await server.http.json<SearchPage>('GET', `/api/search?type=users&q=${encodeURIComponent(q)}`, { token: guest.token });
        return (page.items as PublicUser[]).map((u) => u.handle ?? u.name);
      };
      expect(await users('@harbour_pa')).toEqual(['harbour_painter']);
      expect(await users('harb')).toEqual(['harbour_painter']);
      expect(await users('sketch')).toEqual(['bob_sketches']);
      // Name words still count, beside the handle's; a person found by both comes first once.
      expect(await users('ann')).toEqual(['harbour_painter']);
      expect(await users('pai')).toEqual(['harbour_painter', 'Paintbrush Guest']);
      const [found] = (await server.http.json<SearchPage>('GET', '/api/search?type=users&q=bob_sk')).items as PublicUser[];
      expect(found).toEqual({ id: bob.user.id, name: 'Bob', color: bob.user.color, handle: 'bob_sketches' });

      await server.http.json('PATCH', '/api/session', { token: ann.token, body: { handle: 'lighthouse_keeper' }, expect: 200 });
      expect(await users('harbour')).toEqual([]);
      expect(await users('lighthouse_k')).toEqual(['lighthouse_keeper']);

      const res = await server.http.request('DELETE', '/api/account', { token: bob.token, body: { confirm: true } });
      expect(res.status).toBe(204);
      expect(await users('bob')).toEqual([]);
    });
  });
}

handleSearch('SQLite', async () => ({}));
describeWith([postgres], 'PostgreSQL', () => {
  handleSearch('PostgreSQL', async () => ({ DATABASE_URL: await createTestDatabase(postgres) }));
});
