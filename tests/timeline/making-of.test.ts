// A published work's making-of, end to end: real clients edit a room on a
// real server, the work is published, the log compacted and the server
// restarted; GET /api/works/:id/timeline replays it. On SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { PublishWorkBody } from '../../shared/protocol.ts';
import { type TimelineResponse, timelineResponseSchema } from '../../shared/timeline.ts';
import type { Atelier } from '../../server/atelier.ts';
import { addLayer, published, setCanvas, stripes } from '../gallery/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, type TestEnv, tempDir, waitFor } from '../helpers/server.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';

// Frames are taken when the test says (flush), never by a timer or a character count.
const STILL: TestEnv = { TIMELINE_PAUSE_MS: '60000', TIMELINE_PROMPT_CHARS: '100000' };

/** Waits until the server's copy of the room passes the check, then records what it is coalescing. */
async function frameNow(server: Atelier, roomId: string, check: (doc: Y.Doc) => boolean): Promise<void> {
  await waitFor(() => {
    const room = server.registry.get(roomId);
    return room !== undefined && check(room.doc);
  });
  await server.timeline.flush();
}

async function timelineOf(server: Atelier, workId: string, token?: string): Promise<TimelineResponse> {
  const body = await api(server.url).json<unknown>('GET', `/api/works/${workId}/timeline`, token === undefined ? {} : { token });
  return timelineResponseSchema.parse(body);
}

const promptOf = (doc: Y.Doc) => doc.getText(ROOTS.prompt).toString();
const layerCount = (doc: Y.Doc) => doc.getArray(ROOTS.layers).length;

/** Ann types, places two layers, tweaks one and publishes: each step as a real client does it. */
async function makeAWork(server: Atelier, name = 'Ann', body: PublishWorkBody = { title: 'Fox at dusk' }) {
  const http = api(server.url);
  const session = await http.session(name);
  const { room } = await http.room(session.token);
  const { doc, socket } = await joinWithSocketIo(server.url, session.token, room.id);
  setCanvas(doc, 64, 64, '#ffeedd');
  const text = doc.getText(ROOTS.prompt);
  const type = (words: string) => {
    for (const ch of words) text.insert(text.length, ch);
  };
  type('a red');
  await frameNow(server, room.id, (d) => promptOf(d) === 'a red');
  type(' fox');
  await frameNow(server, room.id, (d) => promptOf(d) === 'a red fox');
  addLayer(doc, { id: 'sky', src: await stripes(server, 32, 32, ['#3366aa']), createdBy: session.user.id });
  await frameNow(server, room.id, (d) => layerCount(d) === 1);
  type(' at dusk');
  await frameNow(server, room.id, (d) => promptOf(d) === 'a red fox at dusk');
  addLayer(doc, { id: 'fox', src: await stripes(server, 16, 16, ['#cc4400']), x: 8, createdBy: session.user.id });
  await frameNow(server, room.id, (d) => layerCount(d) === 2);
  doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(1).set('opacity', 0.5);
  await frameNow(server, room.id, (d) => d.getArray<Y.Map<unknown>>(ROOTS.layers).get(1)?.get('opacity') === 0.5);
  const work = await published(socket, room.id, body);
  await server.timeline.idle();
  // Typing after the publish belongs to no timeline of this work.
  type(' (later)');
  await frameNow(server, room.id, (d) => promptOf(d).endsWith('(later)'));
  return { session, room, doc, socket, work };
}

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
