// The event frames' JSON is written in one native UTF-8 encode: the bytes must
// be exactly lib0's varString (what stock readers and decodeEvent expect), for
// any text, and read back as sent.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { decodeAck, decodeEvent, encodeAck, encodeEvent } from '../../shared/yws-events.ts';

const texts = ['', 'plain', 'é ü ß', '🦊 emoji and 中文', 'x'.repeat(300), `${'ä'.repeat(70)}🦊`];

describe('event frame codec', () => {
  it('writes the JSON as lib0 varString bytes and reads events and answers back as sent', () => {
    for (const text of texts) {
      const argsJson = JSON.stringify(['room-1', { text }]);
      const frame = encodeEvent('gen:update', argsJson, 7);
      const lib0 = encoding.createEncoder();
      encoding.writeVarUint(lib0, YWS_MESSAGE.event);
      encoding.writeVarString(lib0, 'gen:update');
      encoding.writeVarString(lib0, argsJson);
      encoding.writeVarUint(lib0, 7);
      expect(frame).toEqual(encoding.toUint8Array(lib0));
      const decoder = decoding.createDecoder(frame);
      decoding.readVarUint(decoder);
      expect(decodeEvent(frame, decoder.pos)).toEqual({ event: 'gen:update', args: ['room-1', { text }], ackId: 7 });

      const ack = encodeAck(9, { ok: true, text });
      const ackDecoder = decoding.createDecoder(ack);
      expect(decoding.readVarUint(ackDecoder)).toBe(YWS_MESSAGE.ack);
      expect(decodeAck(ack, ackDecoder.pos)).toEqual({ ackId: 9, answer: { ok: true, text } });
    }
  });
});
