// Making a work the way clients do, with a making-of whose every frame the
// test decides (no timer or character count takes one on its own).
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { PublishWorkBody } from '../../shared/protocol.ts';
import { type TimelineResponse, timelineResponseSchema } from '../../shared/timeline.ts';
import type { Atelier } from '../../server/atelier.ts';
import { addLayer, published, setCanvas, stripes } from '../gallery/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { promptOf } from '../helpers/replica.ts';
import { api, type TestEnv, waitFor } from '../helpers/server.ts';

// Frames are taken when the test says (flush), never by a timer or a character count.
export const STILL: TestEnv = { TIMELINE_PAUSE_MS: '60000', TIMELINE_PROMPT_CHARS: '100000' };

/** Waits until the server's copy of the room passes the check, then records what it is coalescing. */
export async function frameNow(server: Atelier, roomId: string, check: (doc: Y.Doc) => boolean): Promise<void> {
  await waitFor(() => {
    const room = server.registry.get(roomId);
    return room !== undefined && check(room.doc);
  });
  await server.timeline.flush();
}

export async function timelineOf(server: Atelier, workId: string, token?: string): Promise<TimelineResponse> {
  const body = await api(server.url).json<unknown>('GET', `/api/works/${workId}/timeline`, token === undefined ? {} : { token });
  return timelineResponseSchema.parse(body);
}

export const layerCount = (doc: Y.Doc) => doc.getArray(ROOTS.layers).length;

/** Ann types, places two layers, tweaks one and publishes: each step as a real client does it. */
export async function makeAWork(server: Atelier, name = 'Ann', body: PublishWorkBody = { title: 'Fox at dusk' }) {
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
