// A deleted account's rooms that nobody else had a hand in go, and their
// making-of with them; other people's rooms keep theirs. On both stores.
import { describe, expect, it } from 'vitest';
import { api, startServer, type TestEnv } from '../helpers/server.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import { makeAWork, STILL } from './helpers.ts';

function deletionSuite(backend: string, env: () => Promise<TestEnv>): void {
  describe(`account deletion and the making-of, ${backend}`, () => {
    it("takes the frames of the account's solo rooms and leaves everyone else's", async () => {
      const server = await startServer({ ...STILL, ...(await env()) });
      const ann = await makeAWork(server, 'Ann');
      const bob = await makeAWork(server, 'Bob');
      expect(await server.store.timeline.count(ann.room.id)).toBeGreaterThan(0);
      const res = await api(server.url).request('DELETE', '/api/account', { token: ann.session.token, body: { confirm: true } });
      expect(res.status).toBe(204);
      await server.timeline.flush();
      expect(await server.store.timeline.count(ann.room.id)).toBe(0);
      expect(await server.store.timeline.count(bob.room.id)).toBe(8);
    });
  });
}

deletionSuite('SQLite', async () => ({}));
const postgres = await postgresService();
describeWith([postgres], 'account deletion and the making-of, PostgreSQL', () => {
  deletionSuite('PostgreSQL', async () => ({ DATABASE_URL: await createTestDatabase(postgres) }));
});
