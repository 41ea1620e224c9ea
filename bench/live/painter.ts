// One per room: a full Yjs client (the app's own provider) that places an
// uploaded image as a layer and then moves it now and then, so the room's
// preview has something new to draw; it records when each change was made.
import sharp from 'sharp';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { addLayer, fittedLayer, updateLayer } from '../../client/doc/layers.ts';
import { type AtelierClientSocket, SocketIoProvider } from '../../client/realtime/socketio-provider.ts';

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
  const socket: AtelierClientSocket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  const doc = new Y.Doc();
  const provider = new SocketIoProvider(socket, roomId, doc, { invite });
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
      socket.disconnect();
      doc.destroy();
    },
  };
}
