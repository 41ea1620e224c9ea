// What the recorder refuses to believe and what it records of jobs that did not succeed.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { genCancel, startJob, watchJobs } from '../generation/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer } from '../helpers/server.ts';
import { consenting, discard, exported, place, settled, SIGNALS_ENV, trayIds } from './helpers.ts';

describe('signal recorder', () => {
  it('ignores candidates no job of the room made: copied from another room, or with an id its job never gave', async () => {
    const server = await startServer(SIGNALS_ENV);
    const http = api(server.url);
    const ann = await consenting(http, 'Ann');
    const bob = await consenting(http, 'Bob');
    const { room: roomA } = await http.room(ann.token);
    const { room: roomB } = await http.room(bob.token);
    const a = await joinWithSocketIo(server.url, ann.token, roomA.id);
    const b = await joinWithSocketIo(server.url, bob.token, roomB.id);
    const job = await startJob(a.socket, roomA.id, { prompt: 'a real one', size: '256x256' });
    const done = await watchJobs(a.socket).until(job.id, 'succeeded');
    const real = done.results![0]!.src;
    await server.signals.idle();
    const before = await exported(server.url);
    expect(before.map((line) => line.type)).toEqual(['prompt_revision', 'generation']);

    const forge = (doc: Y.Doc, id: string) => {
      const map = new Y.Map<unknown>();
      for (const [key, value] of Object.entries({
        id,
        src: real,
        width: 256,
        height: 256,
        jobId: job.id,
        prompt: 'x',
        seed: 1,
        provider: 'local',
        model: 'm',
        createdBy: 'x',
      })) {
        map.set(key, value);
      }
      doc.getArray(ROOTS.candidates).push([map]);
    };
    // Bob copies Ann's candidate into his own room and places it.
    forge(b.doc, `${job.id}-0`);
    await settled(server, roomB.id, (doc) => trayIds(doc).length === 1);
    place(b.doc, `${job.id}-0`, 'stolen', bob.user.id);
    await settled(server, roomB.id, (doc) => doc.getArray(ROOTS.layers).length === 1);
    // Ann invents candidates of her own job: an index it never had, and no index at all.
    await settled(server, roomA.id, () => trayIds(a.doc).length === 1);
    forge(a.doc, `${job.id}-7`);
    forge(a.doc, `${job.id}-x`);
    await settled(server, roomA.id, (doc) => trayIds(doc).length === 3);
    discard(a.doc, `${job.id}-7`);
    discard(a.doc, `${job.id}-x`);
    await settled(server, roomA.id, (doc) => trayIds(doc).length === 1);
    expect(await exported(server.url)).toEqual(before);

    // The real one is believed.
    discard(a.doc, `${job.id}-0`);
    await settled(server, roomA.id, (doc) => trayIds(doc).length === 0);
    const after = await exported(server.url);
    expect(after.slice(2)).toEqual([
      expect.objectContaining({
        type: 'candidate_outcome',
        data: expect.objectContaining({ candidateId: `${job.id}-0`, outcome: 'discarded' }),
      }),
    ]);
  });

  it('a cancelled job is a generation record too: its status, no images, no error', async () => {
    const server = await startServer({ ...SIGNALS_ENV, GEN_CONCURRENCY: '1' });
    const http = api(server.url);
    const ann = await consenting(http, 'Ann');
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    const jobs = watchJobs(a.socket);
    // The first job holds the only slot, so the second is still queued when it is cancelled.
    const busy = await startJob(a.socket, room.id, { prompt: 'busy', size: '1024x1024', count: 4 });
    const queued = await startJob(a.socket, room.id, { prompt: 'never mind', size: '256x256' });
    const cancelled = await genCancel(a.socket, room.id, queued.id);
    expect(cancelled.ok).toBe(true);
    await jobs.until(queued.id, 'cancelled');
    await jobs.until(busy.id, 'succeeded');
    await server.signals.idle();
    const generations = (await exported(server.url)).filter((line) => line.type === 'generation');
    expect(generations.map((line) => line.data)).toEqual([
      expect.objectContaining({
        jobId: queued.id,
        status: 'cancelled',
        images: [],
        error: null,
        queuedMs: null,
        durationMs: null,
        count: 1,
      }),
      expect.objectContaining({ jobId: busy.id, status: 'succeeded', count: 4 }),
    ]);
  });
});
