// Things a test puts into a room from outside the browser: images in the
// media store, and candidates in the document as the generation module would.
import sharp from 'sharp';
import * as Y from 'yjs';
import { ROOTS } from '../../../shared/doc-schema.ts';
import type { Atelier } from '../../../server/atelier.ts';
import type { RoomInfo, SessionResponse } from '../../../shared/protocol.ts';
import { joinWithSocketIo, type SocketParticipant } from '../../helpers/clients.ts';
import { api, startServer, type TestEnv } from '../../helpers/server.ts';

export interface OwnedRoom {
  atelier: Atelier;
  owner: SessionResponse;
  room: RoomInfo;
  /** The owner, joined from Node over Socket.IO: writes and reads the document directly. */
  writer: SocketParticipant;
}

/** A server for this test, a room, and its owner joined from Node. */
export async function ownedRoom(env: TestEnv = {}): Promise<OwnedRoom> {
  const atelier = await startServer(env);
  const http = api(atelier.url);
  const owner = await http.session('Owner');
  const { room } = await http.room(owner.token);
  const writer = await joinWithSocketIo(atelier.url, owner.token, room.id);
  return { atelier, owner, room, writer };
}

/** A solid-colour PNG stored in the server's media store; returns its URL. */
export async function solidImage(
  atelier: Atelier,
  width: number,
  height: number,
  rgb: [number, number, number],
  alpha = 1,
): Promise<string> {
  const png = await sharp({ create: { width, height, channels: 4, background: { r: rgb[0], g: rgb[1], b: rgb[2], alpha } } })
    .png()
    .toBuffer();
  return (await atelier.media.put(png, 'png')).url;
}

/** Appends a candidate to a room's document, with the fields docs/protocol.md lists under "The room document". */
export function addCandidate(
  doc: Y.Doc,
  fields: { id: string; src: string; width: number; height: number; prompt: string; seed?: number },
): void {
  const map = new Y.Map<unknown>();
  const entries: Record<string, unknown> = {
    jobId: `job-${fields.id}`,
    seed: 7,
    provider: 'local',
    model: 'procedural-v1',
    createdBy: 'server',
    ...fields,
  };
  for (const [key, value] of Object.entries(entries)) map.set(key, value);
  doc.getArray(ROOTS.candidates).push([map]);
}

/** Appends a layer directly (bottom-first stack). */
export { pushLayer as addLayerMap } from '../../helpers/layers.ts';
