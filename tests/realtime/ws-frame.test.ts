// Pre-framed broadcasts (server/realtime/yjs-websocket/ws-frame.ts): a frame
// built once is exactly what ws would send, and a real client reads frames
// written that way in order with ws's own sends, whatever their size.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import * as encoding from 'lib0/encoding';
import { binaryFrame, framePayload, headerBytes, sendFrame, sendFrames } from '../../server/realtime/yjs-websocket/ws-frame.ts';
import { yjsFrame } from '../../server/realtime/yjs-websocket/yjs-socket.ts';
import { YWS_MESSAGE } from '../../shared/protocol.ts';

const SIZES = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];

function payload(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

let server: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('pre-framed WebSocket messages', () => {
  it('builds a final unmasked binary frame with each of the three length encodings (RFC 6455 §5.2)', () => {
    const headers: Record<number, number[]> = {
      0: [0x82, 0],
      1: [0x82, 1],
      125: [0x82, 125],
      126: [0x82, 126, 0x00, 0x7e],
      127: [0x82, 126, 0x00, 0x7f],
      65535: [0x82, 126, 0xff, 0xff],
      65536: [0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00],
      70000: [0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70],
    };
    for (const size of SIZES) {
      const data = Buffer.from(payload(size, size));
      const frame = binaryFrame(data);
      expect([...frame.subarray(0, headerBytes(frame))]).toEqual(headers[size]);
      expect(frame.byteLength).toBe(headerBytes(frame) + size);
      expect(framePayload(frame).equals(data)).toBe(true);
    }
  });

  it('frames a y-websocket message in place as lib0 encodes it, its type and any length prefix before the payload', () => {
    // Around the frame header's length encodings and the varUint length's byte boundaries (128, 16,384).
    for (const size of [0, 1, 121, 122, 123, 127, 128, 16_383, 16_384, 65_530, 65_536]) {
      const data = payload(size, size);
      for (const [type, lengthPrefixed] of [
        [YWS_MESSAGE.sync, false],
        [YWS_MESSAGE.awareness, true],
      ] as const) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, type);
        if (lengthPrefixed) encoding.writeVarUint8Array(encoder, data);
        else encoding.writeUint8Array(encoder, data);
        const expected = Buffer.from(encoding.toUint8Array(encoder));
        const frame = yjsFrame(type, data, lengthPrefixed);
        expect(framePayload(frame).equals(expected)).toBe(true);
        expect(frame.equals(binaryFrame(expected))).toBe(true);
      }
    }
  });

  it('reaches a real client whole and in order, between ordinary sends', async () => {
    const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
    server = wss;
    const connected = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const received: Buffer[] = [];
    const expected: Uint8Array[] = [];
    const all = new Promise<void>((resolve) => {
      client.on('message', (data: RawData) => {
        received.push(Buffer.from(data as Buffer));
        if (received.length === SIZES.length * 2) resolve();
      });
    });
    const peer = await connected;
    // The frames go to the socket as they are, not through ws.send (which would frame them again).
    let wsSends = 0;
    const send = peer.send.bind(peer);
    peer.send = ((...args: Parameters<WebSocket['send']>) => {
      wsSends++;
      send(...args);
    }) as WebSocket['send'];
    SIZES.forEach((size, i) => {
      const framed = payload(size, i);
      const plain = payload(size + 3, i + 100);
      sendFrame(peer, binaryFrame(framed));
      peer.send(plain);
      expected.push(framed, plain);
    });
    await all;
    expect(wsSends).toBe(SIZES.length);
    expect(received.map((b) => b.toString('hex'))).toEqual(expected.map((b) => Buffer.from(b).toString('hex')));
    client.close();
  });

  it('writes frames joined in one buffer as that many messages, in order; through ws.send each when it would fall back', async () => {
    const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
    server = wss;
    const connected = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const sizes = [3, 200, 70_000];
    const received: string[] = [];
    const all = new Promise<void>((resolve) => {
      client.on('message', (data: RawData) => {
        received.push(Buffer.from(data as Buffer).toString('hex'));
        if (received.length === sizes.length + 1) resolve();
      });
    });
    const peer = await connected;
    const frames = sizes.map((size, i) => binaryFrame(payload(size, i)));
    sendFrames(peer, frames, Buffer.concat(frames));
    peer.send(payload(5, 9));
    await all;
    expect(received).toEqual([
      ...sizes.map((size, i) => Buffer.from(payload(size, i)).toString('hex')),
      Buffer.from(payload(5, 9)).toString('hex'),
    ]);
    client.close();

    // A socket whose sender is busy: each payload through ws.send, never the joined bytes.
    const sent: string[] = [];
    const busy = { _socket: null, _sender: null, send: (data: Uint8Array) => sent.push(Buffer.from(data).toString('hex')) };
    sendFrames(busy as unknown as WebSocket, frames, Buffer.concat(frames));
    expect(sent).toEqual(sizes.map((size, i) => Buffer.from(payload(size, i)).toString('hex')));
  });
});
