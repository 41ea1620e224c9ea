// A Socket.IO client that follows the stock y-protocols exchange and nothing
// more: it answers every sync message as y-protocols says and sends each local
// update; it never rejoins, whatever `room:error` says (issue 18, finding 6).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { expect } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { WireError } from '../../shared/protocol.ts';
import { connectSocket } from './clients.ts';

export interface StockClient {
  doc: Y.Doc;
  errors: WireError[];
  joins(): number;
}

export async function stockSocketIoClient(url: string, token: string, roomId: string): Promise<StockClient> {
  const socket = connectSocket(url, token);
  const doc = new Y.Doc();
  const errors: WireError[] = [];
  let joins = 0;
  socket.on('room:error', (_roomId, error) => errors.push(error));
  socket.on('yjs:sync', (id, message) => {
    if (id !== roomId) return;
    const encoder = encoding.createEncoder();
    syncProtocol.readSyncMessage(decoding.createDecoder(new Uint8Array(message)), encoder, doc, 'server');
    if (encoding.length(encoder) > 0) socket.emit('yjs:sync', roomId, encoding.toUint8Array(encoder));
  });
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === 'server') return;
    const encoder = encoding.createEncoder();
    syncProtocol.writeUpdate(encoder, update);
    socket.emit('yjs:sync', roomId, encoding.toUint8Array(encoder));
  });
  const ack = await new Promise<{ ok: boolean }>((resolve) => {
    joins++;
    socket.emit('room:join', roomId, {}, resolve);
  });
  expect(ack.ok).toBe(true);
  return { doc, errors, joins: () => joins };
}
