// Issue 18's findings 3, 4 and 5 on both transports: updates that would wedge
// a room, pile up pending state or half-apply are refused whole with
// `bad_request` (Socket.IO) or close 4400 (Yjs WebSocket), change nothing,
// and honest participants on either transport keep editing.
import { describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { CLOSE_CODES, type WireError } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { hostileRoomBothTransports } from '../helpers/hostile-room.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { buildUpdate, HUGE_DELETE_MESSAGE, syncUpdateMessage, wsSyncFrame } from '../helpers/yjs-updates.ts';

async function scene() {
  const { server, room, mallory, good, goodWs, live, snapshot } = await hostileRoomBothTransports();
  let n = 0;
  return {
    server,
    roomId: room.id,
    malloryToken: mallory.token,
    live,
    snapshot,
    /** Both honest participants still edit, are heard by each other, and the room still encodes. */
    async stillSyncs() {
      const marker = `#${++n}`;
      good.doc.getText(ROOTS.prompt).insert(0, marker);
      await waitFor(() => goodWs.doc.getText(ROOTS.prompt).toString().startsWith(marker));
      goodWs.doc.getText(ROOTS.prompt).insert(0, `${marker}ws`);
      await waitFor(() => good.doc.getText(ROOTS.prompt).toString().startsWith(`${marker}ws`));
      const doc = live().doc;
      expect(doc.store.pendingStructs).toBeNull();
      expect(doc.store.pendingDs).toBeNull();
      Y.encodeStateAsUpdateV2(doc);
    },
  };
}
type Scene = Awaited<ReturnType<typeof scene>>;

/**
 * Sends each sync message as Mallory over Socket.IO, one connection each (a
 * connection is told of a gap once per gap); returns the error codes.
 */
async function overSocketIo(s: Scene, messages: Uint8Array[]): Promise<string[]> {
  const codes: string[] = [];
  for (const message of messages) {
    const socket = connectSocket(s.server.url, s.malloryToken);
    const errors: WireError[] = [];
    socket.on('room:error', (_roomId, error) => errors.push(error));
    const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('room:join', s.roomId, {}, resolve));
    expect(ack.ok).toBe(true);
    socket.emit('yjs:sync', s.roomId, message);
    await waitFor(() => errors.length >= 1, WAIT_BUDGET_MS, 'a refusal');
    expect(socket.connected).toBe(true);
    codes.push(...errors.map((e) => e.code));
    socket.disconnect();
  }
  return codes;
}

/**
 * Sends each sync message as Mallory over the Yjs WebSocket, one connection
 * each; returns the close code, or 'asked' when the connection stayed and was
 * sent a sync step 1 instead (an update depending on what the room lacks is
 * refused as a gap, which the room heals by asking: the provider would not
 * reconnect after a 44xx close).
 */
async function overWebSocket(s: Scene, messages: Uint8Array[]): Promise<(number | 'asked')[]> {
  const outcomes: (number | 'asked')[] = [];
  const step1s = (frames: Uint8Array[]) => frames.filter((f) => f[0] === 0 && f[1] === syncProtocol.messageYjsSyncStep1).length;
  for (const message of messages) {
    const raw = rawYjsSocket(s.server.url, `/yjs/${s.roomId}?token=${s.malloryToken}`);
    await raw.opened;
    await waitFor(() => raw.frames.length >= 1);
    raw.send(wsSyncFrame(message));
    let closed: number | undefined;
    void raw.closed.then((c) => (closed = c.code));
    await waitFor(() => closed !== undefined || step1s(raw.frames) >= 2, WAIT_BUDGET_MS, 'a close or a sync step 1');
    outcomes.push(closed ?? 'asked');
    raw.ws.close();
  }
  return outcomes;
}

/** What each transport says to a refused update: Socket.IO `bad_request` always; the WebSocket closes 4400, or asks for a gap. */
const transports = [
  ['Socket.IO', overSocketIo, 'bad_request', 'bad_request'],
  ['the Yjs WebSocket', overWebSocket, CLOSE_CODES.bad_request, 'asked'],
] as const;

describe.each(transports)('hostile updates over %s', (_name, send, refusal, gap) => {
  it('finding 3: the 17-byte delete at 2^53 − 1 is refused and the room keeps working', async () => {
    const s = await scene();
    const before = s.snapshot();
    expect(await send(s, [HUGE_DELETE_MESSAGE])).toEqual([refusal]);
    expect(s.snapshot()).toEqual(before);
    await s.stillSyncs();
    await s.stillSyncs();
  });

  it('finding 4: deletes of missing ranges and structs with missing dependencies leave no pending state', async () => {
    const s = await scene();
    const before = s.snapshot();
    const messages = [
      buildUpdate([], [{ client: 77, ranges: [[0, 1_000_000]] }]),
      buildUpdate([], [{ client: s.live().doc.clientID, ranges: [[10_000, 5]] }]),
      buildUpdate([{ client: 4242, clock: 0, structs: [{ kind: 'string', text: 'z'.repeat(1000), origin: [9999, 0] }] }]),
      buildUpdate([{ client: 4242, clock: 0, structs: [{ kind: 'string', text: 'orphan', parent: [31337, 3] }] }]),
    ].map((u) => syncUpdateMessage(u));
    expect(await send(s, messages)).toEqual(messages.map(() => gap));
    expect(s.snapshot()).toEqual(before);
    await s.stillSyncs();
  });

  it('finding 5: an update whose second struct cannot integrate is refused whole; its first part is nowhere', async () => {
    const s = await scene();
    const before = s.snapshot();
    const halfGood = buildUpdate([
      {
        client: 5151,
        clock: 0,
        structs: [
          { kind: 'string', text: 'FIRST' },
          { kind: 'string', text: 'x', origin: [5151, 9] },
          { kind: 'string', text: 'pad-pad' },
        ],
      },
    ]);
    const future = buildUpdate([{ client: 6161, clock: 3, structs: [{ kind: 'string', text: 'LATER' }] }]);
    expect(await send(s, [syncUpdateMessage(halfGood), syncUpdateMessage(future)])).toEqual([refusal, gap]);
    expect(s.snapshot()).toEqual(before);
    expect(s.live().doc.getText(ROOTS.prompt).toString()).not.toContain('FIRST');
    await s.stillSyncs();
  });
});
