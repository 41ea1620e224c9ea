// Issue 18's finding 2 on both transports: an editor cannot write under
// another participant's Yjs client id (refused `forbidden`, nothing changes,
// the owner's next keystrokes still arrive), may still delete others' content,
// and owners keep their ids across reconnects, durably.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { type WireError, YWS_MESSAGE } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { hostileRoomBothTransports } from '../helpers/hostile-room.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { eventWs } from '../helpers/ws-events.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { buildUpdate, syncUpdateMessage, wsSyncFrame } from '../helpers/yjs-updates.ts';

async function scene() {
  const { server, room, owner, mallory, good: a, goodWs: b, live, snapshot } = await hostileRoomBothTransports();
  return { server, roomId: room.id, owner, mallory, a, b, live, snapshot };
}
type Scene = Awaited<ReturnType<typeof scene>>;

/** "SPOOF" written as participant A, at A's next clock, after A's last character. */
function spoofOf(s: Scene): Uint8Array {
  const client = s.a.doc.clientID;
  const clock = Y.getState(s.a.doc.store, client);
  return buildUpdate([{ client, clock, structs: [{ kind: 'string', text: 'SPOOF', origin: [client, clock - 1] }] }]);
}

/** Everything A wrote, from its first clock, as A's doc would encode it: every struct of it already in the room. */
function replayOf(s: Scene): Uint8Array {
  const others = new Map(Y.decodeStateVector(Y.encodeStateVector(s.a.doc)));
  others.set(s.a.doc.clientID, 0);
  return Y.encodeStateAsUpdate(s.a.doc, Y.encodeStateVector(others));
}

/** Deletes A's first two characters: deleting others' content stays allowed. */
const deleteOfA = (s: Scene) => buildUpdate([], [{ client: s.a.doc.clientID, ranges: [[0, 2]] }]);

/** Sends the updates as Mallory; resolves with what each transport says back about the spoof. */
const transports = {
  async 'Socket.IO'(s: Scene, updates: Uint8Array[]): Promise<string[]> {
    const socket = connectSocket(s.server.url, s.mallory.token);
    const errors: WireError[] = [];
    socket.on('room:error', (_roomId, error) => errors.push(error));
    const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('room:join', s.roomId, {}, resolve));
    expect(ack.ok).toBe(true);
    for (const update of updates) socket.emit('yjs:sync', s.roomId, syncUpdateMessage(update));
    await waitFor(() => errors.length >= 1, WAIT_BUDGET_MS, 'refusal');
    expect(socket.connected).toBe(true);
    return errors.map((e) => e.code);
  },
  async 'the Yjs WebSocket'(s: Scene, updates: Uint8Array[]): Promise<string[]> {
    const raw = rawYjsSocket(s.server.url, `/yjs/${s.roomId}?token=${s.mallory.token}`);
    await raw.opened;
    await waitFor(() => raw.frames.length >= 1);
    for (const update of updates) raw.send(wsSyncFrame(syncUpdateMessage(update)));
    // A forbidden write keeps the connection and gets y-protocols' permission-denied.
    await waitFor(() => raw.frames.some((f) => f[0] === YWS_MESSAGE.auth), WAIT_BUDGET_MS, 'permission denied');
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    return ['forbidden'];
  },
};

/**
 * Sends the updates on a new connection of Owner (A's user) and then an event: its answer comes once they are
 * settled (docs/protocol.md, "Order"), so any refusal of them has arrived by then. Resolves with the refusals.
 */
const ownersResend = {
  async 'Socket.IO'(s: Scene, updates: Uint8Array[]): Promise<string[]> {
    const socket = connectSocket(s.server.url, s.owner.token);
    const errors: WireError[] = [];
    socket.on('room:error', (_roomId, error) => errors.push(error));
    const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('room:join', s.roomId, {}, resolve));
    expect(ack.ok).toBe(true);
    for (const update of updates) socket.emit('yjs:sync', s.roomId, syncUpdateMessage(update));
    await new Promise((resolve) => socket.emit('gen:cancel', s.roomId, 'A'.repeat(22), resolve));
    expect(socket.connected).toBe(true);
    return errors.map((e) => e.code);
  },
  async 'the Yjs WebSocket'(s: Scene, updates: Uint8Array[]): Promise<string[]> {
    const ws = eventWs(s.server.url, s.roomId, s.owner.token);
    await ws.raw.opened;
    await waitFor(() => ws.raw.frames.length >= 1);
    for (const update of updates) ws.raw.send(wsSyncFrame(syncUpdateMessage(update)));
    await ws.call('gen:cancel', s.roomId, 'A'.repeat(22));
    expect(ws.raw.ws.readyState).toBe(ws.raw.ws.OPEN);
    return ws.raw.frames.filter((f) => f[0] === YWS_MESSAGE.auth).map(() => 'forbidden');
  },
};

describe.each(Object.keys(transports) as (keyof typeof transports)[])('client id ownership over %s', (name) => {
  it("a replay of another participant's structs the room holds already is refused too, not passed as a no-op", async () => {
    const s = await scene();
    const before = s.snapshot();
    expect(await transports[name](s, [replayOf(s)])).toEqual(['forbidden']);
    expect(s.snapshot()).toEqual(before);
    s.a.doc.getText(ROOTS.prompt).insert(7, '!');
    await waitFor(() => s.b.doc.getText(ROOTS.prompt).toString() === 'keep me!');
  });

  it('the owner of an id resending what it wrote under it, from a new connection, is not refused', async () => {
    const s = await scene();
    const before = s.snapshot();
    expect(await ownersResend[name](s, [replayOf(s), replayOf(s)])).toEqual([]);
    expect(s.snapshot()).toEqual(before);
  });

  it("finding 2: writing under another participant's client id is refused and the replicas stay in step", async () => {
    const s = await scene();
    const before = s.snapshot();
    expect(await transports[name](s, [spoofOf(s)])).toEqual(['forbidden']);
    expect(s.snapshot()).toEqual(before);
    // A's own next keystrokes (at the clock the spoof aimed for) arrive everywhere.
    s.a.doc.getText(ROOTS.prompt).insert(7, '!');
    await waitFor(() => s.b.doc.getText(ROOTS.prompt).toString() === 'keep me!');
    expect(s.live().doc.getText(ROOTS.prompt).toString()).toBe('keep me!');
  });

  it("deleting others' content stays allowed; the owner keeps its id after reconnecting, and the claim is stored", async () => {
    const s = await scene();
    const refused = transports[name](s, [deleteOfA(s), spoofOf(s)]);
    expect(await refused).toEqual(['forbidden']);
    await waitFor(() => s.b.doc.getText(ROOTS.prompt).toString() === 'ep me');
    // B reconnects with the same doc (the same client id) and types on.
    s.b.doc.getText(ROOTS.prompt).insert(0, 'b1 ');
    await waitFor(() => s.a.doc.getText(ROOTS.prompt).toString() === 'b1 ep me');
    s.b.provider.disconnect();
    s.b.doc.getText(ROOTS.prompt).insert(0, 'b2 ');
    s.b.provider.connect();
    await waitFor(() => s.a.doc.getText(ROOTS.prompt).toString() === 'b2 b1 ep me');
    await s.live().saver.flush();
    const claims = await s.server.store.docLog.claims(s.roomId);
    const owners = new Map(claims.map((c) => [c.clientId, c.userId]));
    expect(owners.get(s.a.doc.clientID)).toBe(s.owner.user.id);
    expect(owners.get(s.b.doc.clientID)).toBe(s.owner.user.id);
  });
});
