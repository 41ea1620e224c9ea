// A published work's making-of, end to end: real clients edit a room on a
// real server, the work is published, the log compacted and the server
// restarted; GET /api/works/:id/timeline replays it. On SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import { type TimelineResponse, timelineResponseSchema } from '../../shared/timeline.ts';
import { addLayer, published, stripes } from '../gallery/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, type TestEnv, tempDir } from '../helpers/server.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import { promptOf } from '../helpers/replica.ts';
import { frameNow, layerCount, makeAWork, STILL, timelineOf } from './helpers.ts';

function expectTheWholeMaking(timeline: TimelineResponse, annId: string): void {
  const steps = timeline.frames.map((f) => [f.event, f.prompt, f.layers.map((l) => l.id).join('+')]);
  expect(steps).toEqual([
    ['prompt', 'a red', ''],
    ['prompt', 'a red fox', ''],
    ['place', 'a red fox', 'sky'],
    ['prompt', 'a red fox at dusk', 'sky'],
    ['place', 'a red fox at dusk', 'sky+fox'],
    ['layer', 'a red fox at dusk', 'sky+fox'],
    ['publish', 'a red fox at dusk', 'sky+fox'],
  ]);
  expect(timeline.frames.every((f) => f.actor?.id === annId && f.actor.name === 'Ann')).toBe(true);
  expect(timeline.frames[4]?.layers[1]).toMatchObject({ id: 'fox', x: 8, opacity: 1 });
  expect(timeline.frames[5]?.layers[1]).toMatchObject({ id: 'fox', x: 8, opacity: 0.5 });
  expect(timeline.canvas).toEqual({ width: 64, height: 64, background: '#ffeedd' });
  expect(timeline.promptHidden).toBe(false);
  const times = timeline.frames.map((f) => Date.parse(f.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

function makingOfSuite(backend: string, env: () => Promise<TestEnv>): void {
  describe(`making-of on ${backend}`, () => {
    it("replays the prompt's growth and each placed layer in order, through a compaction and a restart", async () => {
      const base = { ...STILL, ...(await env()), DATA_DIR: tempDir() };
      const first = await startServer(base);
      const { session, room, work } = await makeAWork(first);
      expectTheWholeMaking(await timelineOf(first, work.id), session.user.id);

      const compacted = await first.store.docLog.compact(room.id);
      expect(compacted.merged).toBeGreaterThan(1);
      await first.close();
      const second = await startServer(base);
      expect((await second.store.docLog.load(room.id)).entries).toBeLessThanOrEqual(2);
      expectTheWholeMaking(await timelineOf(second, work.id), session.user.id);
    });
  });
}

makingOfSuite('SQLite', async () => ({}));
const postgres = await postgresService();
describeWith([postgres], 'making-of, PostgreSQL', () => {
  makingOfSuite('PostgreSQL', async () => ({ DATABASE_URL: await createTestDatabase(postgres) }));
});

describe('who may see a making-of', () => {
  it('a work published with hidePrompt hides the prompt in every frame', async () => {
    const server = await startServer(STILL);
    const { work } = await makeAWork(server, 'Ann', { title: 'Secret fox', hidePrompt: true });
    const res = await api(server.url).request('GET', `/api/works/${work.id}/timeline`);
    const text = await res.text();
    expect(text).not.toContain('a red');
    const timeline = timelineResponseSchema.parse(JSON.parse(text));
    expect(timeline.promptHidden).toBe(true);
    expect(timeline.frames.map((f) => f.prompt)).toEqual(Array(7).fill(null));
    expect(timeline.frames.map((f) => f.layers.length)).toEqual([0, 0, 1, 1, 2, 2, 2]);
    // Placed candidates are named after their prompt's first words: those names go too.
    expect(timeline.frames.at(-1)?.layers.map((l) => [l.id, l.name])).toEqual([
      ['sky', 'Layer 1'],
      ['fox', 'Layer 2'],
    ]);
  });

  it("a remix's timeline starts at the remix", async () => {
    const server = await startServer(STILL);
    const { work } = await makeAWork(server);
    const http = api(server.url);
    const bob = await http.session('Bob');
    const { room } = await http.json<{ room: { id: string } }>('POST', `/api/works/${work.id}/remix`, { token: bob.token });
    const { doc, socket } = await joinWithSocketIo(server.url, bob.token, room.id);
    doc.getText(ROOTS.prompt).insert(doc.getText(ROOTS.prompt).length, ', redrawn');
    await frameNow(server, room.id, (d) => promptOf(d).endsWith('redrawn'));
    addLayer(doc, { id: 'moon', src: await stripes(server, 8, 8, ['#eeeeee']) });
    await frameNow(server, room.id, (d) => layerCount(d) === 3);
    const remix = await published(socket, room.id, { title: 'Remix' });
    await server.timeline.idle();

    const timeline = await timelineOf(server, remix.id);
    expect(timeline.frames.map((f) => [f.event, f.actor?.name, f.prompt, f.layers.map((l) => l.id).join('+')])).toEqual([
      ['prompt', 'Bob', 'a red fox at dusk, redrawn', 'sky+fox'],
      ['place', 'Bob', 'a red fox at dusk, redrawn', 'sky+fox+moon'],
      ['publish', 'Bob', 'a red fox at dusk, redrawn', 'sky+fox+moon'],
    ]);
    // The original's own timeline is unchanged by its remix.
    expect((await timelineOf(server, work.id)).frames).toHaveLength(7);
  });

  it('deleted, hidden and unknown works have no timeline; a moderator still sees a hidden one', async () => {
    const first = await startServer(STILL);
    const mod = await api(first.url).session('Mod');
    await first.close();
    // MODERATORS names a user made on the same data.
    const server = await startServer({ ...STILL, DATA_DIR: first.config.dataDir, MODERATORS: mod.user.id });
    const http = api(server.url);
    const { session, work } = await makeAWork(server);
    await http.json('POST', '/api/reports', { token: session.token, body: { target: { type: 'work', id: work.id }, reason: 'spam' } });
    const { items } = await http.json<{ items: Array<{ id: string }> }>('GET', '/api/moderation/reports?status=open', { token: mod.token });
    await http.json('POST', `/api/moderation/reports/${items[0]?.id}`, { token: mod.token, body: { action: 'hide' }, expect: 200 });

    const status = async (id: string, token?: string) =>
      (await http.request('GET', `/api/works/${id}/timeline`, token === undefined ? {} : { token })).status;
    const notFound = await http.request('GET', `/api/works/${work.id}/timeline`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(await status(work.id, session.token)).toBe(404);
    expect((await timelineOf(server, work.id, mod.token)).frames).toHaveLength(7);
    expect(await status('x'.repeat(22))).toBe(404);
    expect(await status('not-an-id')).toBe(404);

    const other = await makeAWork(server, 'Cid');
    expect(await status(other.work.id)).toBe(200);
    await http.request('DELETE', `/api/works/${other.work.id}`, { token: other.session.token });
    expect(await status(other.work.id)).toBe(404);
  });
});
