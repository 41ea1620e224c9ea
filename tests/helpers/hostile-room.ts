// The room the hostile-input suites attack: a server, a room Owner made with
// "keep me" in its prompt, Owner editing it over Socket.IO (and, for the suites
// that need both transports, over the Yjs WebSocket too), and Mallory's session
// to send the bad messages with. Written once so every suite starts the same.
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { joinWithSocketIo, joinWithYWebsocket } from './clients.ts';
import { api, startServer, type TestEnv, waitFor } from './server.ts';

export async function hostileRoom(env: TestEnv = {}) {
  const server = await startServer(env);
  const http = api(server.url);
  const owner = await http.session('Owner');
  const mallory = await http.session('Mallory');
  const { room, invites } = await http.room(owner.token);
  const good = await joinWithSocketIo(server.url, owner.token, room.id);
  good.doc.getText(ROOTS.prompt).insert(0, 'keep me');
  const live = () => server.registry.get(room.id)!;
  await waitFor(() => live().doc.getText(ROOTS.prompt).toString() === 'keep me');
  return { server, owner, mallory, room, invites, good, live, snapshot: () => Y.encodeStateAsUpdate(live().doc) };
}

/** hostileRoom with Owner also on the Yjs WebSocket, synced. */
export async function hostileRoomBothTransports(env: TestEnv = {}) {
  const scene = await hostileRoom(env);
  const goodWs = await joinWithYWebsocket(scene.server.url, scene.owner.token, scene.room.id);
  await waitFor(() => goodWs.doc.getText(ROOTS.prompt).toString() === 'keep me');
  return { ...scene, goodWs };
}
