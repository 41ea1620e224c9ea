// The connection model without any transport: a Connection over a real
// registry, directory and admission, with a sink that records what the
// transport would have sent (tldraw's TestSocketPair idea). What both
// transports rely on is checked here once; tests/realtime checks each
// transport's framing.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { WireError } from '../../shared/protocol.ts';
import { AppError } from '../../server/errors.ts';
import { createMetrics } from '../../server/metrics.ts';
import { RoomAdmission } from '../../server/rooms/admission.ts';
import { RoomDirectory } from '../../server/rooms/directory.ts';
import { RoomRegistry } from '../../server/rooms/registry.ts';
import { ANSWER_BYTES_PER_MESSAGE, type Identity } from '../../server/rooms/sessions/connection.ts';
import { Connections } from '../../server/rooms/sessions/connections.ts';
import type { SessionSink } from '../../server/rooms/sessions/sink.ts';
import { MemoryDocLog, memoryRecords } from '../helpers/memory-store.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

const ROOM = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER = 'BBBBBBBBBBBBBBBBBBBBBB';
const ann: Identity = { user: { id: 'ann', name: 'Ann', color: '#000000' }, sessionId: 's-ann-1' };
const annPhone: Identity = { user: ann.user, sessionId: 's-ann-2' };
const bob: Identity = { user: { id: 'bob', name: 'Bob', color: '#000000' }, sessionId: 's-bob' };

type Sent =
  | { kind: 'sync' | 'awareness'; roomId: string; message: Uint8Array }
  | { kind: 'refuse' | 'left' | 'close'; roomId: string; error: WireError };

class RecordingSink implements SessionSink {
  readonly sent: Sent[] = [];
  open = true;
  sync(roomId: string, message: Uint8Array) {
    this.sent.push({ kind: 'sync', roomId, message });
  }
  awareness(roomId: string, message: Uint8Array) {
    this.sent.push({ kind: 'awareness', roomId, message });
  }
  refuse(roomId: string, error: WireError) {
    this.sent.push({ kind: 'refuse', roomId, error });
  }
  left(roomId: string, error: WireError) {
    this.sent.push({ kind: 'left', roomId, error });
  }
  close(error: WireError) {
    this.sent.push({ kind: 'close', roomId: '', error });
    this.open = false;
  }
  isOpen() {
    return this.open;
  }
  kinds() {
    return this.sent.map((s) => s.kind);
  }
  errors() {
    return this.sent.flatMap((s) => ('error' in s ? [s.error.code] : []));
  }
}

function setup(
  limits: { messageBurst?: number; maxMessageBytes?: number; maxRoomsPerConnection?: number } = {},
  caughtUp?: () => Promise<void>,
) {
  const logger = pino({ level: 'silent' });
  const docLog = new MemoryDocLog();
  const records = memoryRecords([ROOM, OTHER]);
  const registry = new RoomRegistry({
    docLog,
    records,
    limits: { maxDocBytes: 1 << 20, maxAwarenessBytes: 1024, maxParticipantsPerRoom: 10, maxSpectatorsPerRoom: 10 },
    saver: { compactEntries: 1000, compactBytes: 1 << 20 },
    unloadGraceMs: 60_000,
    logger,
  });
  const admission = new RoomAdmission(new RoomDirectory(records, docLog, registry), registry);
  const metrics = createMetrics();
  const connections = new Connections({
    admission,
    authenticator: { identify: async (token) => ({ ann, 'ann-phone': annPhone, bob })[String(token)] ?? null },
    limits: {
      messagesPerSecond: 0.001,
      messageBurst: limits.messageBurst ?? 100,
      maxMessageBytes: limits.maxMessageBytes ?? 1000,
      maxRoomsPerConnection: limits.maxRoomsPerConnection ?? 4,
      claimWaitMs: 5000,
    },
    metrics,
    logger,
    caughtUp,
  });
  registry.events.add(connections);
  const open = (id: string, identity: Identity | null) => {
    const sink = new RecordingSink();
    return { sink, connection: connections.open({ id, transport: 'test', identity, sink }) };
  };
  return { registry, connections, metrics, open };
}

function syncMessage(type: number, update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Ann joins and types 'ann', then Bob joins: `annStructs` is her update, which Bob may not send as his. */
async function annWroteThenBobJoined(open: ReturnType<typeof setup>['open']) {
  const a = open('c-ann', ann);
  await a.connection.join(ROOM, {});
  const annDoc = new Y.Doc();
  annDoc.getText('prompt').insert(0, 'ann');
  const annStructs = Y.encodeStateAsUpdate(annDoc);
  a.connection.receive(ROOM, 'sync', syncMessage(syncProtocol.messageYjsUpdate, annStructs));
  const b = open('c-bob', bob);
  await b.connection.join(ROOM, {});
  return { b, annStructs };
}

function update(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('prompt').insert(0, text);
  const e = encoding.createEncoder();
  syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc));
  return encoding.toUint8Array(e);
}

describe('Connection and RoomSession', () => {
  it('authenticates: no token is anonymous, a bad one unauthorized', async () => {
    const { connections } = setup();
    expect(await connections.authenticate(undefined)).toBeNull();
    expect(await connections.authenticate('ann')).toEqual(ann);
    await expect(connections.authenticate('forged')).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('greets a join with the server’s sync step 1 and the room’s presence, and writes reach the room', async () => {
    const { registry, open } = setup();
    const a = open('c-ann', ann);
    const session = await a.connection.join(ROOM, {});
    const aware = new awarenessProtocol.Awareness(new Y.Doc());
    aware.setLocalState({ user: 'Ann' });
    a.connection.receive(ROOM, 'awareness', awarenessProtocol.encodeAwarenessUpdate(aware, [aware.clientID]));
    const b = open('c-bob', bob);
    (await b.connection.join(ROOM, {})).greet();
    expect(b.sink.kinds()).toEqual(['sync', 'awareness']);
    const step1 = decoding.createDecoder((b.sink.sent[0] as { message: Uint8Array }).message);
    expect(decoding.readVarUint(step1)).toBe(syncProtocol.messageYjsSyncStep1);

    a.connection.receive(ROOM, 'sync', update('hello'));
    expect(session.room.doc.getText('prompt').toString()).toBe('hello');
    expect(registry.get(ROOM)?.participants.size).toBe(2);
  });

  it('drops a message over the rate or the size in one place, telling the client, and refuses rooms not joined', async () => {
    const { registry, open } = setup({ messageBurst: 2, maxMessageBytes: 64 });
    const a = open('c-ann', ann);
    await a.connection.join(ROOM, {});
    const big = update('x'.repeat(200));
    expect(a.connection.fits(ROOM, big.byteLength)).toBe(false);
    a.connection.receive(OTHER, 'sync', update('elsewhere'));
    expect(a.connection.allow()).toBe(true);
    expect(a.connection.allow()).toBe(true);
    expect(a.connection.allow()).toBe(false);
    expect(a.sink.errors()).toEqual(['too_large', 'forbidden', 'rate_limited']);
    expect(registry.get(ROOM)?.doc.getText('prompt').toString()).toBe('');
  });

  it('limits the rooms of one connection, and leaves them all when it closes', async () => {
    const { registry, connections, open } = setup({ maxRoomsPerConnection: 1 });
    const a = open('c-ann', ann);
    await a.connection.join(ROOM, {});
    await expect(a.connection.join(OTHER, {})).rejects.toMatchObject({ code: 'too_large' });
    // Joining the same room again re-admits: how a client asks to resync.
    await expect(a.connection.join(ROOM, {})).resolves.toBeDefined();
    expect(connections.size).toBe(1);
    a.connection.close();
    expect(registry.get(ROOM)?.participants.size).toBe(0);
    expect(connections.size).toBe(0);
  });

  it('ends connections by sign-in session or by user, whatever carries them', async () => {
    const { connections, open } = setup();
    const laptop = open('c-ann-laptop', ann);
    const phone = open('c-ann-phone', annPhone);
    const other = open('c-bob', bob);
    const anonymous = open('c-anon', null);
    expect([...connections.sessionIds()].sort()).toEqual(['s-ann-1', 's-ann-2', 's-bob']);
    const signedOut: WireError = { code: 'unauthorized', message: 'this session was signed out' };
    expect(connections.end({ sessionId: 's-ann-1' }, signedOut)).toBe(1);
    expect(laptop.sink.sent).toEqual([{ kind: 'close', roomId: '', error: signedOut }]);
    expect(phone.sink.sent).toEqual([]);
    expect(connections.end({ userId: 'ann' }, signedOut)).toBe(2);
    expect(phone.sink.kinds()).toEqual(['close']);
    expect(other.sink.sent).toEqual([]);
    expect(anonymous.sink.sent).toEqual([]);
  });

  it("with a relay, a step 2 refused for another's structs is asked for again once the relay has caught up; an update is not", async () => {
    const waiting: Array<() => void> = [];
    const { registry, open } = setup({}, () => new Promise<void>((resolve) => waiting.push(resolve)));
    const { b, annStructs } = await annWroteThenBobJoined(open);
    // Ann's structs as Bob's: an update never carries another's honestly, so the refusal is all.
    b.connection.receive(ROOM, 'sync', syncMessage(syncProtocol.messageYjsUpdate, annStructs));
    expect(waiting).toHaveLength(0);
    // As a step 2 (a lagging node's step 1 answered): refused too, and asked again only once the relay has caught up.
    b.connection.receive(ROOM, 'sync', syncMessage(syncProtocol.messageYjsSyncStep2, annStructs));
    expect(b.sink.errors()).toEqual(['forbidden', 'forbidden']);
    expect(b.sink.kinds()).toEqual(['refuse', 'refuse']);
    expect(waiting).toHaveLength(1);
    waiting[0]?.();
    await waitFor(() => b.sink.kinds().length === 3, WAIT_BUDGET_MS, 'the step 1');
    const asked = b.sink.sent[2] as { kind: string; message: Uint8Array };
    expect(asked.kind).toBe('sync');
    expect(decoding.readVarUint(decoding.createDecoder(asked.message))).toBe(syncProtocol.messageYjsSyncStep1);
    expect(registry.get(ROOM)?.doc.getText('prompt').toString()).toBe('ann');
  });

  it('a catch-up that fails still asks, and the next refused step 2 waits for the relay again', async () => {
    let calls = 0;
    const { open } = setup({}, () => {
      calls++;
      return Promise.reject(new Error('relay gone'));
    });
    const { b, annStructs } = await annWroteThenBobJoined(open);
    const forged = syncMessage(syncProtocol.messageYjsSyncStep2, annStructs);
    b.connection.receive(ROOM, 'sync', forged);
    await waitFor(() => b.sink.kinds().length === 2, WAIT_BUDGET_MS, 'the step 1 after a failed catch-up');
    expect(b.sink.kinds()).toEqual(['refuse', 'sync']);
    // Not left waiting on the failed one: the next refusal waits for the relay again.
    b.connection.receive(ROOM, 'sync', forged);
    expect(calls).toBe(2);
  });

  it("a flood of step 2s refused for another's structs waits for the relay once and asks once, not once a message", async () => {
    const waiting: Array<() => void> = [];
    const { open } = setup({}, () => new Promise<void>((resolve) => waiting.push(resolve)));
    const { b, annStructs } = await annWroteThenBobJoined(open);
    const greeted = b.sink.sent.length;
    const forged = syncMessage(syncProtocol.messageYjsSyncStep2, annStructs);
    const step1s = () =>
      b.sink.sent
        .slice(greeted)
        .filter((s) => s.kind === 'sync' && decoding.readVarUint(decoding.createDecoder(s.message)) === syncProtocol.messageYjsSyncStep1)
        .length;
    // Each is refused and told; a Redis round trip each (the relay's PING) would be the forger's to spend.
    for (let i = 0; i < 100; i++) b.connection.receive(ROOM, 'sync', forged);
    expect(b.sink.errors()).toHaveLength(100);
    expect(waiting).toHaveLength(1);
    waiting[0]?.();
    await waitFor(() => step1s() === 1, WAIT_BUDGET_MS, 'the step 1');
    // Asked again, and answered with the same lie: the request waits out its back-off, and the relay is asked once more at most.
    for (let i = 0; i < 100; i++) b.connection.receive(ROOM, 'sync', forged);
    expect(waiting.length).toBeLessThanOrEqual(2);
    for (const resolve of waiting) resolve();
    await waitFor(() => step1s() === 2, WAIT_BUDGET_MS, 'the second step 1');
    expect(waiting.length).toBeLessThanOrEqual(2);
  });

  it("a sync step 1's answer is charged to the asker's rate budget by its size: asking again and again is throttled, a join's one answer is not", async () => {
    const { registry, open } = setup({ messageBurst: 100 });
    const a = open('c-ann', ann);
    await a.connection.join(ROOM, {});
    // A 100 KB document: each full answer costs ~25 messages.
    registry.get(ROOM)?.transact((doc) => doc.getText('prompt').insert(0, 'x'.repeat(100_000)), 'test');
    const b = open('c-bob', bob);
    await b.connection.join(ROOM, {});
    const step1 = syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(new Y.Doc()));
    const answers = () =>
      b.sink.sent.filter(
        (s) => s.kind === 'sync' && decoding.readVarUint(decoding.createDecoder(s.message)) === syncProtocol.messageYjsSyncStep2,
      ).length;
    // As a transport hands messages on: each takes a message from the budget first.
    for (let i = 0; i < 50; i++) if (b.connection.allow(ROOM)) b.connection.receive(ROOM, 'sync', step1);
    const answered = b.sink.sent.find((s) => s.kind === 'sync' && s.message.byteLength > 100_000);
    expect(answered).toBeDefined();
    expect(Math.ceil(100_000 / ANSWER_BYTES_PER_MESSAGE)).toBeGreaterThan(20);
    // The burst of 100 pays for 4 answers, not 50 (each a message plus its ~25).
    expect(answers()).toBeGreaterThanOrEqual(1);
    expect(answers()).toBeLessThanOrEqual(5);
    expect(b.sink.errors()).toContain('rate_limited');
    // A small room's answers cost nothing past the message itself.
    const c = open('c-ann-phone', annPhone);
    await c.connection.join(OTHER, {});
    for (let i = 0; i < 50; i++) if (c.connection.allow(OTHER)) c.connection.receive(OTHER, 'sync', step1);
    expect(c.sink.errors()).toEqual([]);
  });

  it('an eviction takes the participant out of the room and tells the client why', async () => {
    const { registry, open } = setup();
    const a = open('c-ann', ann);
    await a.connection.join(ROOM, {});
    const room = registry.get(ROOM);
    room?.evict('c-ann', new AppError('forbidden', 'this room was closed'));
    expect(a.sink.sent.at(-1)).toMatchObject({ kind: 'left', roomId: ROOM, error: { code: 'forbidden' } });
    expect(room?.participants.size).toBe(0);
    expect(a.connection.session(ROOM)).toBeUndefined();
  });
});
