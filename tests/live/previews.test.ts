// Live previews do not pile up: a watched listed room keeps its current
// preview and the one before, and its files go when it leaves the list or
// unloads. No other room shares a preview file, so deleting one is safe.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Atelier } from '../../server/atelier.ts';
import { previewTag } from '../../server/live/previews.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { joinRoom, listeningSocket, nextPreview } from './helpers.ts';

/** Every WebP in the media store (nothing else in these tests makes one), and which room each shows. */
async function webpFiles(server: Atelier, known: readonly string[]): Promise<Array<{ file: string; roomIds: string[] }>> {
  const files = (await readdir(server.config.mediaDir)).filter((file) => file.endsWith('.webp'));
  return Promise.all(
    files.map(async (file) => {
      const bytes = await readFile(path.join(server.config.mediaDir, file));
      const roomIds = known.filter((id) => bytes.includes(previewTag(id)));
      return { file, roomIds };
    }),
  );
}

async function listedAndWatched(server: Atelier) {
  const http = api(server.url);
  const [owner, watcher] = await Promise.all([http.session('Owner'), http.session('Watcher')]);
  const { room } = await http.room(owner.token, { linkAccess: 'none' });
  await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
  const ownerSocket = listeningSocket(server.url, owner.token);
  expect((await joinRoom(ownerSocket.socket, room.id)).ok).toBe(true);
  // A spectator is what keeps previews wanted.
  const watcherSocket = listeningSocket(server.url, watcher.token);
  expect(await joinRoom(watcherSocket.socket, room.id, { watch: true })).toMatchObject({ ok: true, role: 'viewer' });
  return { http, owner, ownerSocket, watcherSocket, roomId: room.id };
}

describe('live previews', () => {
  it('N preview ticks leave at most the current and previous preview; unlisting deletes them', async () => {
    const server = await startServer({ LIVE_PREVIEW_MS: '250' });
    const { http, owner, roomId } = await listedAndWatched(server);
    const known = [roomId];
    const room = server.registry.get(roomId);
    if (!room) throw new Error('room not loaded');
    const seen = new Set<string>();
    const urls: string[] = [];
    for (let i = 0; i < 6; i++) {
      // A new background is a new picture each time.
      room.doc.getMap(ROOTS.meta).set('background', `#20${(i * 40).toString(16).padStart(2, '0')}80`);
      urls.push(await nextPreview(server, roomId, seen));
    }
    const files = await webpFiles(server, known);
    expect(files.length).toBeLessThanOrEqual(2);
    const names = files.map((f) => f.file);
    expect(names).toContain(urls[5]?.replace('/media/', ''));
    for (const file of files) expect(file.roomIds).toEqual([roomId]);
    // The current one is still served.
    expect((await fetch(server.url + (urls[5] ?? ''))).status).toBe(200);

    await http.json('PATCH', `/api/rooms/${roomId}`, { token: owner.token, body: { listed: false } });
    await waitFor(async () => (await webpFiles(server, known)).length === 0, WAIT_BUDGET_MS, 'previews deleted on unlisting');
    expect(await server.live.board.preview(roomId)).toBeNull();
    await server.close();
  });

  it('rooms with the same picture get their own files; an unloaded room takes only its own with it', async () => {
    const server = await startServer({ LIVE_PREVIEW_MS: '250' });
    const first = await listedAndWatched(server);
    const second = await listedAndWatched(server);
    const known = [first.roomId, second.roomId];
    // Both are empty white canvases: equal pixels, yet not one shared file.
    const a = await nextPreview(server, first.roomId, new Set());
    const b = await nextPreview(server, second.roomId, new Set());
    expect(a).not.toBe(b);
    expect((await webpFiles(server, known)).map((f) => f.roomIds)).toEqual(expect.arrayContaining([[first.roomId], [second.roomId]]));

    first.ownerSocket.socket.disconnect();
    first.watcherSocket.socket.disconnect();
    await waitFor(() => server.registry.get(first.roomId) === undefined, WAIT_BUDGET_MS, 'the first room unloaded');
    await waitFor(
      async () => (await webpFiles(server, known)).every((f) => !f.roomIds.includes(first.roomId)),
      WAIT_BUDGET_MS,
      'its preview deleted',
    );
    const left = await webpFiles(server, known);
    expect(left).toEqual([{ file: b.replace('/media/', ''), roomIds: [second.roomId] }]);
    expect(await server.live.board.preview(first.roomId)).toBeNull();
    await server.close();
  });
});
