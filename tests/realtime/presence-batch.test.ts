// A room's presence goes out at most once an interval on both transports:
// awareness updates from two participants that wait for the same send reach a
// third as one message with the latest state of each, and each sender gets
// only the other's. The interval outlasts the test and a removal sends what
// waits, so nothing depends on how the server's reads fall into turns.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { PRESENCE_INTERVAL_MS, presenceWheel } from '../../server/rooms/presence-cadence.ts';
import { readAwarenessUpdate } from '../../server/rooms/awareness-message.ts';
import type { Atelier } from '../../server/atelier.ts';
import type { JoinAck } from '../../shared/protocol.ts';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

afterEach(() => {
  presenceWheel.delayMs = PRESENCE_INTERVAL_MS;
});

function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(state));
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, YWS_MESSAGE.awareness);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}

const QUERY_AWARENESS = new Uint8Array([YWS_MESSAGE.queryAwareness]);

/** clientId → [clock, state] of each awareness update among the frames. */
function awarenessOf(frames: Uint8Array[]) {
  return frames
    .filter((f) => f[0] === YWS_MESSAGE.awareness)
    .map((f) => {
      const decoder = decoding.createDecoder(f);
      decoding.readVarUint(decoder);
      return entriesOf(decoding.readVarUint8Array(decoder));
    });
}

const entriesOf = (update: Uint8Array) =>
  Object.fromEntries(readAwarenessUpdate(update, 100).map((e) => [e.clientId, [e.clock, JSON.parse(e.json)]]));

/**
 * Ann, Bob and Cy on the plain Yjs WebSocket (a, b, c) and Dee on Socket.IO in
 * one new room, each greeted and with nothing received yet.
 */
async function roomOnBothTransports(server: Atelier) {
  const http = api(server.url);
  const [ann, bob, cy, dee] = await Promise.all([http.session('Ann'), http.session('Bob'), http.session('Cy'), http.session('Dee')]);
  const { room, invites } = await http.room(ann.token);
  const path = (token: string) => `/yjs/${room.id}?token=${encodeURIComponent(token)}&invite=${invites.edit}`;
  const a = rawYjsSocket(server.url, path(ann.token));
  const b = rawYjsSocket(server.url, path(bob.token));
  const c = rawYjsSocket(server.url, path(cy.token));
  await Promise.all([a.opened, b.opened, c.opened]);
  // Joined once greeted (the server's sync step 1).
  await waitFor(() => [a, b, c].every((s) => s.frames.length > 0), WAIT_BUDGET_MS, 'greetings');
  const d = connectSocket(server.url, dee.token);
  const onSocketIo: Uint8Array[] = [];
  d.on('yjs:awareness', (_roomId, message) => onSocketIo.push(new Uint8Array(message)));
  const joined = await new Promise<JoinAck>((resolve) => d.emit('room:join', room.id, { invite: invites.edit }, resolve));
  expect(joined.ok).toBe(true);
  for (const s of [a, b, c]) s.frames.length = 0;
  const serverRoom = server.registry.get(room.id);
  if (!serverRoom) throw new Error('room not open');
  /** a moves to `clock`, b to 1, a to `clock + 1` (client 11 is a's, 22 b's; cursor = clock); resolves once the room holds all three. */
  const threeUpdates = async (clock: number) => {
    a.send(awarenessFrame(11, clock, { cursor: clock }));
    b.send(awarenessFrame(22, 1, { cursor: 1 }));
    a.send(awarenessFrame(11, clock + 1, { cursor: clock + 1 }));
    await waitFor(
      () => serverRoom.awareness.meta.get(11)?.clock === clock + 1 && serverRoom.awareness.meta.get(22)?.clock === 1,
      WAIT_BUDGET_MS,
      'all three applied',
    );
  };
  return { a, b, c, onSocketIo, threeUpdates };
}

describe('presence fan-out', () => {
  it('updates from two clients waiting for the same send reach the others as one message with the latest states, on both transports', async () => {
    const server = await startServer();
    // An interval that does not end during the test: only c's removal sends what waits.
    presenceWheel.delayMs = 60_000;
    const { a, b, c, onSocketIo, threeUpdates } = await roomOnBothTransports(server);

    // c's move opens the interval (client 33 is c's).
    c.send(awarenessFrame(33, 1, { cursor: 0 }));
    await waitFor(() => [a, b].every((s) => awarenessOf(s.frames).length === 1) && onSocketIo.length === 1, WAIT_BUDGET_MS, 'c’s move');
    const cs = { 33: [1, { cursor: 0, watching: false }] };

    // These wait; c leaves, and its removal takes them along in one message.
    await threeUpdates(1);
    c.ws.close();
    await waitFor(() => [a, b].every((s) => awarenessOf(s.frames).length === 2) && onSocketIo.length === 2, WAIT_BUDGET_MS, 'the removal');
    const both = { 11: [2, { cursor: 2, watching: false }], 22: [1, { cursor: 1, watching: false }] };
    const gone = { 33: [1, null] };
    expect(awarenessOf(a.frames)).toEqual([cs, { 22: both[22], ...gone }]);
    expect(awarenessOf(b.frames)).toEqual([cs, { 11: both[11], ...gone }]);
    expect(onSocketIo.map(entriesOf)).toEqual([cs, { ...both, ...gone }]);
  });

  it('after a first move sent at once, moves wait for the interval’s end and a removal takes them along at once, on both transports', async () => {
    const server = await startServer();
    // An interval that does not end during the test: only the removal sends what waits.
    presenceWheel.delayMs = 60_000;
    const { a, b, c, onSocketIo, threeUpdates } = await roomOnBothTransports(server);

    // A quiet room sends the first move at the end of its turn.
    a.send(awarenessFrame(11, 1, { cursor: 1 }));
    await waitFor(() => awarenessOf(c.frames).length === 1 && onSocketIo.length === 1, WAIT_BUDGET_MS, 'the first move');
    const first = { 11: [1, { cursor: 1, watching: false }] };
    expect(awarenessOf(c.frames)).toEqual([first]);

    // The interval is open: these wait. c's query is answered after anything sent to it.
    await threeUpdates(2);
    c.send(QUERY_AWARENESS);
    await waitFor(() => awarenessOf(c.frames).length === 2, WAIT_BUDGET_MS, 'the answer');
    const held = { 11: [3, { cursor: 3, watching: false }], 22: [1, { cursor: 1, watching: false }] };
    expect(awarenessOf(c.frames)).toEqual([first, held]);

    // b leaves: its removal goes out at once with what waited; a gets only b's part.
    b.ws.close();
    await waitFor(() => awarenessOf(c.frames).length === 3 && onSocketIo.length === 2, WAIT_BUDGET_MS, 'the removal');
    const removal = { ...held, 22: [1, null] };
    expect(awarenessOf(c.frames)[2]).toEqual(removal);
    expect(onSocketIo.map(entriesOf)).toEqual([first, removal]);
    a.send(QUERY_AWARENESS);
    await waitFor(() => awarenessOf(a.frames).length === 2, WAIT_BUDGET_MS, 'a’s answer');
    expect(awarenessOf(a.frames)[0]).toEqual({ 22: [1, null] });
  });
});
