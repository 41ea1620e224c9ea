// Atelier's event and answer frames (the layout of shared/yws-events.ts) made
// straight into their WebSocket frame (ws-frame.ts): one buffer, the text
// written into it natively, made once for all of a broadcast's recipients
// and written to each as is. A lib0 encoder's buffer, copied out and then
// into a frame per recipient, was most of what a `room:joined` greeting cost.
import { YWS_MESSAGE } from '../../../shared/protocol.ts';
import { varUintLength, writeVarUint } from '../../../shared/var-uint.ts';
import { emptyFrame, headerBytes } from './ws-frame.ts';

/** `[varUint 20][varString event][varString argsJson][varUint ackId]`, as encodeEvent writes it, in its frame. */
export function eventFrame(event: string, argsJson: string, ackId = 0): Buffer {
  const nameBytes = Buffer.byteLength(event);
  const jsonBytes = Buffer.byteLength(argsJson);
  const length = 1 + varUintLength(nameBytes) + nameBytes + varUintLength(jsonBytes) + jsonBytes + varUintLength(ackId);
  const frame = emptyFrame(length);
  let at = headerBytes(frame);
  frame[at++] = YWS_MESSAGE.event;
  at = writeVarUint(frame, at, nameBytes);
  at += frame.write(event, at, 'utf8');
  at = writeVarUint(frame, at, jsonBytes);
  at += frame.write(argsJson, at, 'utf8');
  writeVarUint(frame, at, ackId);
  return frame;
}

/** `[varUint 21][varUint ackId][varString answerJson]`, as encodeAck writes it, in its frame. */
export function ackFrame(ackId: number, answerJson: string): Buffer {
  const jsonBytes = Buffer.byteLength(answerJson);
  const length = 1 + varUintLength(ackId) + varUintLength(jsonBytes) + jsonBytes;
  const frame = emptyFrame(length);
  let at = headerBytes(frame);
  frame[at++] = YWS_MESSAGE.ack;
  at = writeVarUint(frame, at, ackId);
  at = writeVarUint(frame, at, jsonBytes);
  frame.write(answerJson, at, 'utf8');
  return frame;
}
