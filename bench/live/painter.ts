// One per room: a full Yjs client (the web client's own RoomProvider, on the
// room page's one WebSocket) that places an uploaded image as a layer and then
// moves it now and then, so the room's preview has something new to draw; it
// records when each change was made.
import sharp from 'sharp';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { addLayer, fittedLayer, updateLayer } from '../../client/doc/layers.ts';
import { RoomProvider } from '../../client/realtime/room-provider.ts';

export interface Painter {
  /** Changes the layer; the time it was made (epoch ms). */
  paint(): number;
  close(): void;
}

let image: Buffer | null = null;

async function testImage(): Promise<Buffer> {
  image ??= await sharp({ create: { width: 256, height: 256, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
  return image;
}

export async function startPainter(url: string, token: string, roomId: string, invite: string, userId: string): Promise<Painter> {
  const upload = await fetch(`${url}/api/rooms/${roomId}/media?invite=${invite}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
    body: new Uint8Array(await testImage()),
  });
  if (!upload.ok) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
  const { url: src } = (await upload.json()) as { url: string };
  const doc = new Y.Doc();
  // The `ws` package, as the benchmark's other Node clients (Node's global WebSocket costs more per message).
  const provider = new RoomProvider(roomId, doc, {
    baseUrl: url,
    token: () => token,
    invite,
    WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  await provider.whenSynced();
  const layer = fittedLayer({ name: 'bench', src, width: 256, height: 256, createdBy: userId }, { width: 1024, height: 1024 });
  addLayer(doc, layer, null);
  let step = 0;
  return {
    paint() {
      step++;
      updateLayer(doc, layer.id, { x: (step * 97) % 700, y: (step * 61) % 700 }, null);
      return Date.now();
    },
    close() {
      provider.destroy();
      doc.destroy();
    },
  };
}
