// One person in a room on all three kinds of connection at once (a Socket.IO
// socket joined to it, the Yjs WebSocket with events, a plain y-websocket
// client), and what tests expect of the three when the server lets them go,
// ends them, or keeps them.
import { expect } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import { CLOSE_CODES, type ErrorCode, YWS_MESSAGE } from '../../shared/protocol.ts';
import { type Heard, joinRoom, listeningSocket } from '../live/helpers.ts';
import { type RawYjsSocket, rawYjsSocket } from './raw-ws.ts';
import { WAIT_BUDGET_MS, waitFor } from './server.ts';
import { type EventWs, eventWs } from './ws-events.ts';

export interface Everywhere {
  sio: Heard;
  events: EventWs;
  plain: RawYjsSocket;
}

/** One person in a room three ways, each admitted. */
export async function everywhere(server: Atelier, roomId: string, token: string, invite?: string): Promise<Everywhere> {
  const sio = listeningSocket(server.url, token);
  expect(await joinRoom(sio.socket, roomId, invite ? { invite } : {})).toMatchObject({ ok: true });
  const query = invite ? `&invite=${invite}` : '';
  const events = eventWs(server.url, roomId, token, query);
  await events.next('room:joined');
  const plain = rawYjsSocket(server.url, `/yjs/${roomId}?token=${token}${query}`);
  // Its first frame is the room's sync step 1: admitted.
  await waitFor(() => plain.frames.length > 0, WAIT_BUDGET_MS, 'the plain socket admitted');
  return { sio, events, plain };
}

/** Let go of the room, on every transport: Socket.IO stays connected for its other rooms. */
export async function letGo(who: Everywhere, roomId: string, code: ErrorCode): Promise<void> {
  await waitFor(() => who.sio.evicted.some((e) => e.roomId === roomId), WAIT_BUDGET_MS, 'room:evicted on Socket.IO');
  expect(who.sio.evicted).toEqual([{ roomId, error: expect.objectContaining({ code }) }]);
  expect(who.sio.socket.connected).toBe(true);
  expect((await who.events.next('room:evicted'))[0]).toBe(roomId);
  expect((await who.events.raw.closed).code).toBe(CLOSE_CODES[code]);
  expect((await who.plain.closed).code).toBe(CLOSE_CODES[code]);
}

/** The whole connection ended, on every transport. */
export async function ended(who: Everywhere, code: ErrorCode): Promise<void> {
  await waitFor(() => !who.sio.socket.connected, WAIT_BUDGET_MS, 'the Socket.IO socket disconnected');
  expect((await who.events.raw.closed).code).toBe(CLOSE_CODES[code]);
  expect((await who.plain.closed).code).toBe(CLOSE_CODES[code]);
}

/** Still in the room on every transport, answered there (a maker's; viewers would send a request). */
export async function stays(who: Everywhere, roomId: string): Promise<void> {
  const alreadyEdits = { ok: false, error: expect.objectContaining({ code: 'bad_request' }) };
  expect(await who.sio.socket.timeout(WAIT_BUDGET_MS).emitWithAck('room:request-edit', roomId)).toEqual(alreadyEdits);
  expect(await who.events.call('room:request-edit', roomId)).toEqual(alreadyEdits);
  const before = who.plain.frames.length;
  who.plain.send(Uint8Array.of(YWS_MESSAGE.sync, 0, 1, 0)); // sync step 1 of an empty document
  await waitFor(() => who.plain.frames.slice(before).some((f) => f[0] === YWS_MESSAGE.sync && f[1] === 1), WAIT_BUDGET_MS, 'sync step 2');
  expect(who.plain.ws.readyState).toBe(who.plain.ws.OPEN);
}

/** The users with a connection in the room on this node. */
export function present(server: Atelier, roomId: string): string[] {
  return [...(server.registry.get(roomId)?.participants.values() ?? [])].map((p) => p.user.id).sort();
}
