import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { GenParams } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { pushLayer, testLayer } from '../helpers/layers.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { candidates, genCancel, genStart, startJob, watchJobs } from './helpers.ts';

async function twoInRoom(env = {}) {
  const server = await startServer(env);
  const http = api(server.url);
  const ann = await http.session('Ann');
  const bob = await http.session('Bob');
  const { room, invites } = await http.room(ann.token, { title: 'Harbour' });
  const a = await joinWithSocketIo(server.url, ann.token, room.id);
  const b = await joinWithSocketIo(server.url, bob.token, room.id);
  return { server, http, ann, bob, room, invites, a, b };
}

describe('generation in a room', () => {
  it('one participant starts a job; the other watches it run and receives the candidates', async () => {
    const { server, ann, room, a, b } = await twoInRoom();
    const watched = watchJobs(b.socket);
    a.doc.getText(ROOTS.prompt).insert(0, 'a lighthouse on a cliff at dusk');

    const job = await startJob(a.socket, room.id, { size: '512x512', count: 2, seed: 5 });
    expect(job).toMatchObject({
      roomId: room.id,
      status: 'queued',
      progress: 0,
      prompt: 'a lighthouse on a cliff at dusk',
      requestedBy: ann.user.id,
      params: { size: '512x512', count: 2, seed: 5, provider: 'local', model: 'procedural-v1' },
    });

    const done = await watched.until(job.id, 'succeeded');
    expect(watched.statuses(job.id)).toEqual(['queued', 'running', 'succeeded']);
    const progress = watched.of(job.id).map((j) => j.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(done.progress).toBe(1);
    expect(done.startedAt).toBeDefined();
    expect(done.finishedAt).toBeDefined();
    expect(done.previews).toHaveLength(2);
    expect(done.results!.map((r) => [r.width, r.height, r.seed])).toEqual([
      [512, 512, 5],
      [512, 512, 6],
    ]);

    await waitFor(() => candidates(b.doc).length === 2);
    expect(candidates(b.doc)).toEqual(
      done.results!.map((r, i) => ({
        id: `${job.id}-${i}`,
        src: r.src,
        width: 512,
        height: 512,
        jobId: job.id,
        prompt: 'a lighthouse on a cliff at dusk',
        seed: 5 + i,
        provider: 'local',
        model: 'procedural-v1',
        createdBy: ann.user.id,
      })),
    );
    expect(candidates(a.doc)).toEqual(candidates(b.doc));

    for (const url of [...done.results!.map((r) => r.src), ...done.previews!]) {
      const res = await fetch(server.url + url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      if (done.results!.some((r) => r.src === url)) expect([meta.width, meta.height]).toEqual([512, 512]);
    }
    // A late joiner gets the job in its join ack.
    const c = await joinWithSocketIo(server.url, (await api(server.url).session('Cy')).token, room.id);
    expect(c.joined.jobs).toEqual([done]);
  });

  it('same prompt and seed give the same media URL; another seed, another', async () => {
    const { room, a } = await twoInRoom();
    const watched = watchJobs(a.socket);
    const params: GenParams = { prompt: 'red boats in a harbour', size: '256x256', seed: 1234 };
    const srcOf = async (p: GenParams) => (await watched.until((await startJob(a.socket, room.id, p)).id, 'succeeded')).results![0]!.src;
    const first = await srcOf(params);
    expect(await srcOf(params)).toBe(first);
    expect(await srcOf({ ...params, seed: 1235 })).not.toBe(first);
    expect(await srcOf({ ...params, prompt: 'blue boats in a harbour' })).not.toBe(first);
  });

  it('uses the room prompt when params have none, and refuses an empty one', async () => {
    const { server, room, a } = await twoInRoom();
    const empty = await genStart(a.socket, room.id, {});
    expect(empty).toEqual({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('prompt is empty') } });
    expect(await genStart(a.socket, room.id, { prompt: '   ' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // The room's prompt is free text too: a control character in it is named, and no job starts.
    a.doc.getText(ROOTS.prompt).insert(0, 'a\u0000pond');
    await waitFor(() => server.registry.get(room.id)?.doc.getText(ROOTS.prompt).toString() === 'a\u0000pond');
    expect(await genStart(a.socket, room.id, {})).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'prompt: control characters are not allowed' },
    });
    a.doc.getText(ROOTS.prompt).delete(0, 6);
    a.doc.getText(ROOTS.prompt).insert(0, '  a quiet pond  ');
    const job = await startJob(a.socket, room.id, { size: '256x256' });
    expect(job.prompt).toBe('a quiet pond');
  });

  it('refuses every invalid parameter with bad_request and records no job', async () => {
    const { server, room, a } = await twoInRoom();
    const cases: Array<[unknown, string]> = [
      [{ prompt: 'x', size: '300x300' }, 'params.size'],
      [{ prompt: 'x', count: 0 }, 'params.count'],
      [{ prompt: 'x', count: 5 }, 'params.count'],
      [{ prompt: 'x', count: 1.5 }, 'params.count'],
      [{ prompt: 'x', seed: -1 }, 'params.seed'],
      [{ prompt: 'x', seed: 2 ** 31 }, 'params.seed'],
      [{ prompt: 'x', seed: '7' }, 'params.seed'],
      [{ prompt: 'x'.repeat(4001) }, 'params.prompt'],
      [{ prompt: 'bell\u0007' }, 'prompt: control characters are not allowed'],
      [{ prompt: 'half \ud83c' }, 'prompt: unpaired surrogates are not allowed'],
      [{ prompt: 'x', provider: 'dalle-9' }, 'unknown provider "dalle-9"'],
      [{ prompt: 'x', provider: 'openai' }, 'unknown provider "openai"'],
      [{ prompt: 'x', model: 'sdxl' }, 'no model "sdxl"'],
      [{ prompt: 'x', colour: 'red' }, 'params'],
      [{ prompt: 'x', maskLayerId: 'm1' }, 'maskLayerId needs editLayerId'],
      [{ prompt: 'x', editLayerId: 'nope' }, 'editLayerId: no valid layer "nope"'],
      ['a string', 'params'],
    ];
    for (const [params, message] of cases) {
      const res = await a.socket.timeout(WAIT_BUDGET_MS).emitWithAck('gen:start', room.id, params as GenParams);
      expect(res, JSON.stringify(params).slice(0, 80)).toEqual({
        ok: false,
        error: { code: 'bad_request', message: expect.stringContaining(message) },
      });
    }
    expect(await server.generation.roomJobs(room.id)).toEqual([]);
    expect(await server.store.jobs.requesters(room.id)).toEqual([]);
  });

  it('refuses viewers, sockets outside the room, and unknown jobs', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const vic = await http.session('Vic');
    const { room } = await http.room(ann.token, { linkAccess: 'view' });
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    const v = await joinWithSocketIo(server.url, vic.token, room.id);
    expect(v.joined.role).toBe('viewer');

    expect(await genStart(v.socket, room.id, { prompt: 'x' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'viewers cannot start generations' },
    });
    const job = await startJob(a.socket, room.id, { prompt: 'x', size: '256x256' });
    expect(await genCancel(v.socket, room.id, job.id)).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const outsider = connectSocket(server.url, (await http.session('Out')).token);
    expect(await genStart(outsider, room.id, { prompt: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'join the room first' },
    });
    expect(await genCancel(a.socket, room.id, 'A'.repeat(22))).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await genCancel(a.socket, room.id, 'not an id')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await server.generation.roomJobs(room.id)).map((j) => j.id)).toEqual([job.id]);
  });

  it('answers a gen:start without an ack with room:error', async () => {
    const { room, a } = await twoInRoom();
    const error = new Promise((resolve) => a.socket.once('room:error', (roomId, err) => resolve([roomId, err])));
    a.socket.emit('gen:start' as 'room:leave', room.id);
    expect(await error).toEqual([room.id, { code: 'bad_request', message: expect.stringContaining('prompt is empty') }]);
  });

  it('refuses prompts with a blocked term, whole words only', async () => {
    const { room, a } = await twoInRoom({ PROMPT_BLOCKLIST: 'dragon, Bad Phrase' });
    expect(await genStart(a.socket, room.id, { prompt: 'A DRAGON, flying!' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'the prompt contains a blocked term ("dragon")' },
    });
    expect(await genStart(a.socket, room.id, { prompt: 'such a bad   phrase' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await genStart(a.socket, room.id, { prompt: 'a dragonfly', size: '256x256' })).ok).toBe(true);
  });

  it('edits a layer: the local renderer paints into the layer image', async () => {
    const { server, ann, room, a } = await twoInRoom();
    const source = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const uploaded = (await (
      await fetch(`${server.url}/api/rooms/${room.id}/media`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ann.token}`, 'Content-Type': 'image/png' },
        body: source,
      })
    ).json()) as { url: string };
    pushLayer(a.doc, testLayer({ id: 'l1', name: 'photo', src: uploaded.url, createdBy: ann.user.id }));
    const watched = watchJobs(a.socket);
    const job = await startJob(a.socket, room.id, { prompt: 'stars', size: '256x256', editLayerId: 'l1', seed: 3 });
    const done = await watched.until(job.id, 'succeeded');
    const plain = await watched.until((await startJob(a.socket, room.id, { prompt: 'stars', size: '256x256', seed: 3 })).id, 'succeeded');
    expect(done.results![0]!.src).not.toBe(plain.results![0]!.src);
    // The source's red shows through the soft-light blend.
    const { dominant } = await sharp((await server.media.readUrl(done.results![0]!.src))!).stats();
    expect(dominant.r).toBeGreaterThan(dominant.b);
  });
});
