// Event and answer frames are made straight into their WebSocket frame on the
// server: the payload must be exactly what shared/yws-events.ts writes (what
// the client and decodeEvent read), for any text and every header length.
import { describe, expect, it } from 'vitest';
import { ackFrame, eventFrame } from '../../server/realtime/yjs-websocket/event-frame.ts';
import { framePayload } from '../../server/realtime/yjs-websocket/ws-frame.ts';
import { encodeAck, encodeEvent } from '../../shared/yws-events.ts';

// Payloads under 126 bytes, up to 65,535 and past it take the three header lengths.
const texts = ['', 'plain', 'é ü ß', '🦊 emoji and 中文', 'x'.repeat(300), `${'ä'.repeat(70)}🦊`, 'y'.repeat(70_000)];

/** The frame's header says final, binary, unmasked, and exactly the payload's length. */
function payloadOf(frame: Buffer): Buffer {
  expect(frame[0]).toBe(0x82);
  const payload = framePayload(frame);
  const declared = frame[1] === 126 ? frame.readUInt16BE(2) : frame[1] === 127 ? frame.readUInt32BE(6) : frame[1];
  expect(declared).toBe(payload.byteLength);
  return payload;
}

describe('event frames', () => {
  it('carry the bytes encodeEvent and encodeAck write, in a WebSocket frame of the right length', () => {
    for (const text of texts) {
      const argsJson = JSON.stringify(['room-1', { text }]);
      for (const ackId of [0, 7, 300, 2 ** 31 - 1]) {
        expect(payloadOf(eventFrame('gen:update', argsJson, ackId))).toEqual(Buffer.from(encodeEvent('gen:update', argsJson, ackId)));
        const answer = { ok: true, text };
        expect(payloadOf(ackFrame(ackId, JSON.stringify(answer)))).toEqual(Buffer.from(encodeAck(ackId, answer)));
      }
    }
    expect(payloadOf(eventFrame('room:joined', '[]'))).toEqual(Buffer.from(encodeEvent('room:joined', '[]')));
  });
});
