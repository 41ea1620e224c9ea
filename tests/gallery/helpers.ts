// Building rooms worth publishing: real images in the server's media store,
// layers written through a participant's Y.Doc, publish over Socket.IO.
import sharp from 'sharp';
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { PublishAck, PublishWorkBody, Work } from '../../shared/protocol.ts';
import type { Atelier } from '../../server/atelier.ts';
import type { AtelierClientSocket } from '../../client/realtime/socketio-provider.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { pushLayer, testLayer } from '../helpers/layers.ts';
import { api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

/** A PNG of vertical stripes, one per colour, stored in the server's media store; returns its `/media/…` URL. */
export async function stripes(server: Atelier, width: number, height: number, colours: string[]): Promise<string> {
  const stripe = Math.ceil(width / colours.length);
  const png = await sharp({ create: { width, height, channels: 3, background: colours[0]! } })
    .composite(
      colours.slice(1).map((colour, i) => ({
        input: { create: { width: Math.min(stripe, width - stripe * (i + 1)), height, channels: 3 as const, background: colour } },
        left: stripe * (i + 1),
        top: 0,
      })),
    )
    .png()
    .toBuffer();
  return (await server.media.put(png, 'png')).url;
}

export interface LayerFields {
  id: string;
  src: string;
  name?: string;
  visible?: boolean;
  opacity?: number;
  blend?: string;
  x?: number;
  y?: number;
  scale?: number;
  rotation?: number;
}

/** Appends a layer with the fixture's defaults; extra or invalid fields go in as given. */
export function addLayer(doc: Y.Doc, fields: LayerFields & Record<string, unknown>): void {
  pushLayer(doc, { ...testLayer({ id: fields.id }), ...fields });
}

export function setCanvas(doc: Y.Doc, width: number, height: number, background: string): void {
  const meta = doc.getMap(ROOTS.meta);
  doc.transact(() => {
    meta.set('width', width);
    meta.set('height', height);
    meta.set('background', background);
  });
}

export function publish(socket: AtelierClientSocket, roomId: string, body: PublishWorkBody | Record<string, unknown>): Promise<PublishAck> {
  return new Promise((resolve) => socket.emit('work:publish', roomId, body as PublishWorkBody, resolve));
}

export async function published(socket: AtelierClientSocket, roomId: string, body: PublishWorkBody): Promise<Work> {
  const ack = await publish(socket, roomId, body);
  if (!ack.ok) throw new Error(`publish failed: ${ack.error.code}: ${ack.error.message}`);
  return ack.work;
}

/** The RGB of one pixel of an image. */
export async function pixels(
  image: Uint8Array,
): Promise<{ width: number; height: number; at(x: number, y: number): [number, number, number] }> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at: (x, y) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    },
  };
}

export interface Studio {
  token: string;
  user: { id: string; name: string; color: string };
  roomId: string;
  socket: AtelierClientSocket;
  doc: Y.Doc;
  publish(title: string, description?: string): Promise<Work>;
}

/** A signed-in user in a room of their own with one small visible layer, ready to publish. */
export async function studio(server: Atelier, name: string): Promise<Studio> {
  const http = api(server.url);
  const session = await http.session(name);
  const { room } = await http.room(session.token, { title: `${name}'s room` });
  const joined = await joinWithSocketIo(server.url, session.token, room.id);
  setCanvas(joined.doc, 64, 64, '#ffffff');
  joined.doc.getText(ROOTS.prompt).insert(0, `${name}'s prompt`);
  addLayer(joined.doc, { id: 'l1', src: await stripes(server, 32, 32, ['#aa3300']) });
  // Ready once the server's copy has the layer (and so every edit before it). The server orders only this
  // socket's own events after its edits (docs/protocol.md, "Order"); callers also act from other connections
  // (a Yjs WebSocket, HTTP), which could come first, above all with several nodes, where the first edit under
  // a new client id waits for its claim in PostgreSQL.
  await waitFor(() => server.registry.get(room.id)?.doc.getArray(ROOTS.layers).length === 1, WAIT_BUDGET_MS, 'the layer on the server');
  return {
    token: session.token,
    user: session.user,
    roomId: room.id,
    socket: joined.socket,
    doc: joined.doc,
    publish: (title, description) => published(joined.socket, room.id, description === undefined ? { title } : { title, description }),
  };
}
