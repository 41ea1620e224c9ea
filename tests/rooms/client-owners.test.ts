// Client id ownership in the room layer: claims are stored with their update,
// survive a reload, are looked up when another node wrote the id, and the
// room's own id is the server's.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AppError } from '../../server/errors.ts';
import { SERVER_OWNER } from '../../server/rooms/client-owners.ts';
import { MemoryDocLog } from '../helpers/memory-store.ts';
import { testRoom } from '../helpers/test-room.ts';
import { buildUpdate, syncUpdateMessage } from '../helpers/yjs-updates.ts';

const user = (id: string) => ({ id, name: id, color: '#000000' });
const limits = { maxDocBytes: 1 << 20, maxAwarenessBytes: 1024, maxParticipantsPerRoom: 10, maxSpectatorsPerRoom: 10 };

/** Loads room 'r' from the log, as the registry does; `wanted` collects syncWanted connections. */
async function load(log: MemoryDocLog, wanted: string[] = []) {
  const stored = await log.load('r');
  const initial = await log.claims('r');
  const { room } = testRoom({
    limits,
    log,
    stored,
    claims: { initial, load: () => log.claims('r') },
    listeners: [{ syncWanted: (_room, connectionId) => wanted.push(connectionId) }],
  });
  for (const id of ['u1', 'u2']) room.join(`conn-${id}`, user(id), 'editor', 'test');
  return room;
}

/** Text typed under `client`, continuing from `clock`. */
const typed = (client: number, clock: number, text: string) =>
  syncUpdateMessage(
    buildUpdate([{ client, clock, structs: [{ kind: 'string', text, ...(clock > 0 ? { origin: [client, clock - 1] } : {}) }] }]),
  );

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).code;
  }
  return 'accepted';
}

describe('client id ownership in a room', () => {
  it('the first writer owns an id; the claim is stored with the update and holds after a reload', async () => {
    const log = new MemoryDocLog();
    const room = await load(log);
    room.handleSync('conn-u1', typed(11, 0, 'one'));
    expect(refusal(() => room.handleSync('conn-u2', typed(11, 3, 'X')))).toBe('forbidden');
    await room.saver.flush();
    expect(log.roomClients.get('r')?.get(11)).toBe('u1');
    room.destroy();

    const again = await load(log);
    expect(refusal(() => again.handleSync('conn-u2', typed(11, 3, 'X')))).toBe('forbidden');
    expect(again.doc.getText('prompt').toString()).toBe('one');
    // The same user, on a new connection: its own id again.
    again.join('conn-u1b', user('u1'), 'editor', 'test');
    again.handleSync('conn-u1b', typed(11, 3, ' two'));
    expect(again.doc.getText('prompt').toString()).toBe('one two');
  });

  it('an id another node wrote is looked up first: unavailable, then syncWanted, then the stored owner decides', async () => {
    const log = new MemoryDocLog();
    const wanted: string[] = [];
    const room = await load(log, wanted);
    // Another node accepted u1's update under id 12 and stored its claim, then relayed the update here.
    const update = buildUpdate([{ client: 12, clock: 0, structs: [{ kind: 'string', text: 'remote' }] }]);
    await log.append('r', [update], [{ clientId: 12, userId: 'u1' }]);
    room.applyRemoteUpdate(update, 'node-b');
    expect(refusal(() => room.handleSync('conn-u2', typed(12, 6, 'X')))).toBe('unavailable');
    await waitUntil(() => wanted.length === 1);
    expect(wanted).toEqual(['conn-u2']);
    expect(refusal(() => room.handleSync('conn-u2', typed(12, 6, 'X')))).toBe('forbidden');
    room.handleSync('conn-u1', typed(12, 6, '!'));
    expect(room.doc.getText('prompt').toString()).toBe('remote!');
  });

  it('an id in the log without a claim (written before claims existed) goes to its next writer', async () => {
    const log = new MemoryDocLog();
    await log.append('r', [buildUpdate([{ client: 13, clock: 0, structs: [{ kind: 'string', text: 'old' }] }])]);
    const room = await load(log);
    room.handleSync('conn-u2', typed(13, 3, ' new'));
    expect(refusal(() => room.handleSync('conn-u1', typed(13, 7, 'X')))).toBe('forbidden');
    expect(room.doc.getText('prompt').toString()).toBe('old new');
  });

  it("an update that only repeats structs the room holds is judged by their ids' owners too", async () => {
    const log = new MemoryDocLog();
    const wanted: string[] = [];
    const room = await load(log, wanted);
    room.handleSync('conn-u1', typed(11, 0, 'one'));
    const before = Y.encodeStateAsUpdate(room.doc);
    // Nothing in it is new to the room: applied, it would change nothing. Sent by u2 it is a lie, by u1 a resend.
    expect(refusal(() => room.handleSync('conn-u2', typed(11, 0, 'one')))).toBe('forbidden');
    expect(refusal(() => room.handleSync('conn-u1', typed(11, 0, 'one')))).toBe('accepted');
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(before);
    // The server's own structs, repeated, are the server's.
    room.transact((doc) => doc.getMap('meta').set('title', 'by the server'), 'test');
    const serverOnly = Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(new Map([[11, 3]])));
    expect(refusal(() => room.handleSync('conn-u1', syncUpdateMessage(serverOnly)))).toBe('forbidden');
    // An id another node wrote: looked up first, then its owner decides, for a repeat as for a write.
    const remote = buildUpdate([{ client: 12, clock: 0, structs: [{ kind: 'string', text: 'remote' }] }]);
    await log.append('r', [remote], [{ clientId: 12, userId: 'u1' }]);
    room.applyRemoteUpdate(remote, 'node-b');
    expect(refusal(() => room.handleSync('conn-u2', syncUpdateMessage(remote)))).toBe('unavailable');
    await waitUntil(() => wanted.length === 1);
    expect(refusal(() => room.handleSync('conn-u2', syncUpdateMessage(remote)))).toBe('forbidden');
    expect(refusal(() => room.handleSync('conn-u1', syncUpdateMessage(remote)))).toBe('accepted');
  });

  it('an id in the log without a claim, only repeated, stays unclaimed: repeating writes nothing', async () => {
    const log = new MemoryDocLog();
    const old = buildUpdate([{ client: 13, clock: 0, structs: [{ kind: 'string', text: 'old' }] }]);
    await log.append('r', [old]);
    const room = await load(log);
    expect(refusal(() => room.handleSync('conn-u2', syncUpdateMessage(old)))).toBe('accepted');
    room.handleSync('conn-u1', typed(13, 3, ' new'));
    expect(room.doc.getText('prompt').toString()).toBe('old new');
  });

  it("the room's own id is the server's: participants cannot write under it, the server's first change claims it", async () => {
    const log = new MemoryDocLog();
    const room = await load(log);
    const own = room.doc.clientID;
    expect(refusal(() => room.handleSync('conn-u1', typed(own, 0, 'X')))).toBe('forbidden');
    room.transact((doc) => doc.getMap('meta').set('title', 'by the server'), 'test');
    await room.saver.flush();
    expect(log.roomClients.get('r')?.get(own)).toBe(SERVER_OWNER);
    expect(Y.encodeStateAsUpdate(room.doc).byteLength).toBeGreaterThan(0);
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}
