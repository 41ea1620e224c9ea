// The seed corpus: traffic recorded from real clients (scripts/fuzz/record.ts),
// kept as JSON in scripts/fuzz/corpus/. Binary arguments are `{"$hex": …}`;
// the recorded room id is the string `$room`, replaced by a live room's id.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const CORPUS_DIR = path.resolve(import.meta.dirname, 'corpus');
export const SOCKETIO_CORPUS = path.join(CORPUS_DIR, 'socketio.json');
export const YJS_WS_CORPUS = path.join(CORPUS_DIR, 'yjs-ws.json');
export const ROOM_PLACEHOLDER = '$room';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface SocketIoPacket {
  /** `client`: sent by socket.io-client; `server`: received by it (a client may replay those too). */
  dir: 'client' | 'server';
  event: string;
  args: Json[];
  /** The client asked for an acknowledgement. */
  ack: boolean;
}

export interface YjsFrame {
  dir: 'client' | 'server';
  hex: string;
}

export interface Corpus {
  socketio: SocketIoPacket[];
  yjsWs: YjsFrame[];
}

export function loadCorpus(): Corpus {
  const socketio = JSON.parse(readFileSync(SOCKETIO_CORPUS, 'utf8')) as { packets: SocketIoPacket[] };
  const yjsWs = JSON.parse(readFileSync(YJS_WS_CORPUS, 'utf8')) as { frames: YjsFrame[] };
  if (socketio.packets.length === 0 || yjsWs.frames.length === 0) throw new Error('the fuzz corpus is empty: npm run fuzz:record');
  return { socketio: socketio.packets, yjsWs: yjsWs.frames };
}

export const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
export const fromHex = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/** A recorded argument as the wire value: bytes for `$hex`, the live room id for `$room`. */
export function revive(value: Json, roomId: string): unknown {
  if (value === ROOM_PLACEHOLDER) return roomId;
  if (Array.isArray(value)) return value.map((v) => revive(v, roomId));
  if (typeof value === 'object' && value !== null) {
    const hex = value.$hex;
    if (typeof hex === 'string' && Object.keys(value).length === 1) return fromHex(hex);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v, roomId)]));
  }
  return value;
}

/** A live argument as recorded: the inverse of `revive`. */
export function record(value: unknown, roomId: string): Json {
  if (value === roomId) return ROOM_PLACEHOLDER;
  if (value instanceof Uint8Array) return { $hex: toHex(value) };
  if (value instanceof ArrayBuffer) return { $hex: toHex(new Uint8Array(value)) };
  if (Array.isArray(value)) return value.map((v) => record(v, roomId));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, record(v, roomId)]));
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return null;
}
