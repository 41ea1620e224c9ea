// Where frames come from on real servers: a generation's results as a
// `generate` frame for whoever asked, and, with two nodes sharing a room, each
// change recorded once, by the node it was made on.
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Atelier } from '../../server/atelier.ts';
import type { StoredFrame } from '../../server/store/timeline.ts';
import { addLayer, stripes } from '../gallery/helpers.ts';
import { candidates, startJob, watchJobs } from '../generation/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, twoNodesAndARoom } from '../helpers/cluster.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { STILL } from './helpers.ts';

/** Every frame a room holds, oldest first. */
const framesOf = (server: Atelier, roomId: string): Promise<StoredFrame[]> =>
  server.store.timeline.forWork(roomId, { id: 'none', createdAt: '9999-01-01T00:00:00.000Z' });

async function seen(server: Atelier, roomId: string, check: (doc: Y.Doc) => boolean): Promise<void> {
  await waitFor(() => {
    const room = server.registry.get(roomId);
    return room !== undefined && check(room.doc);
  });
}

describe('recording', () => {
  it("a generation's results are a `generate` frame credited to who asked, with its images", async () => {
    const server = await startServer(STILL);
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const { doc, socket } = await joinWithSocketIo(server.url, ann.token, room.id);
    doc.getText(ROOTS.prompt).insert(0, 'a lighthouse');
    await seen(server, room.id, (d) => d.getText(ROOTS.prompt).length > 0);
    const job = await startJob(socket, room.id, { size: '256x256', count: 2 });
    await watchJobs(socket).until(job.id, 'succeeded');
    await seen(server, room.id, (d) => candidates(d).length === 2);
    await server.timeline.flush();

    const frames = await framesOf(server, room.id);
    expect(frames.map((f) => [f.event, f.actorId, f.prompt])).toEqual([
      ['prompt', ann.user.id, 'a lighthouse'],
      ['generate', ann.user.id, 'a lighthouse'],
    ]);
    expect(frames[1]?.images.toSorted()).toEqual(
      candidates(doc)
        .map((c) => c.src)
        .toSorted(),
    );
  });
});

const [redis, postgres] = await Promise.all([redisService(), postgresService()]);
describeWith([redis, postgres], 'recording on two nodes', () => {
  it('records each change once, on the node it was made on', async () => {
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(await clusterEnv(redis, postgres, STILL));
    const annDoc = (await joinWithSocketIo(a.url, ann.token, roomId)).doc;
    const bobDoc = (await joinWithSocketIo(b.url, bob.token, roomId)).doc;
    annDoc.getText(ROOTS.prompt).insert(0, 'two shores');
    await seen(b, roomId, (d) => d.getText(ROOTS.prompt).toString() === 'two shores');
    await a.timeline.flush();
    await b.timeline.flush();
    addLayer(bobDoc, { id: 'bridge', src: await stripes(b, 16, 16, ['#224466']) });
    await seen(a, roomId, (d) => d.getArray(ROOTS.layers).length === 1);
    await a.timeline.flush();
    await b.timeline.flush();

    const frames = await framesOf(a, roomId);
    expect(frames.map((f) => [f.event, f.actorId, f.prompt, f.layers.map((l) => l.id).join('+')])).toEqual([
      ['prompt', ann.user.id, 'two shores', ''],
      ['place', bob.user.id, 'two shores', 'bridge'],
    ]);
  });
});
