// Room logic without any transport: y-protocols messages in, replies and
// observed broadcasts out.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { readAwarenessUpdate } from '../../server/rooms/awareness-message.ts';
import { MAX_TAILORED_SENDERS } from '../../server/rooms/outgoing.ts';
import { TEST_ROOM_LIMITS, testRoom } from '../helpers/test-room.ts';

const user = (id: string) => ({ id, name: id, color: '#000000' });

/** A room loaded from a stored state holding the prompt "stored", and the doc that wrote it. */
function storedRoom() {
  const source = new Y.Doc();
  source.getText(ROOTS.prompt).insert(0, 'stored');
  const stored = Y.encodeStateAsUpdate(source);
  const { room } = testRoom({ stored: { update: stored, entries: 1, bytes: stored.byteLength } });
  return { source, stored, room };
}

// The test's own turn: run() ends it on demand, as setImmediate would.
const makeRoom = (limits = TEST_ROOM_LIMITS) => testRoom({ limits });

const updateMessage = (update: Uint8Array) => {
  const e = encoding.createEncoder();
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
};

describe('Room', () => {
  it('answers sync step 1 with the missing state, and applies editors’ updates with their origin', () => {
    const { room, seen, turn, storedWhenSent } = makeRoom();
    room.join('c1', user('ann'), 'editor', 'test');
    const client = new Y.Doc();
    client.getText('prompt').insert(0, 'hi');
    expect(room.handleSync('c1', updateMessage(Y.encodeStateAsUpdate(client)))).toBeNull();
    expect(room.doc.getText('prompt').toString()).toBe('hi');
    // Sent at the end of the turn, once stored: nobody sees what a crash could lose.
    expect(seen).toEqual([]);
    turn.run();
    expect(seen).toEqual([{ kind: 'doc', origin: { source: 'connection', connectionId: 'c1', userId: 'ann' } }]);
    expect(storedWhenSent).toEqual([1]);

    const e = encoding.createEncoder();
    syncProtocol.writeSyncStep1(e, new Y.Doc());
    const reply = room.handleSync('c1', encoding.toUint8Array(e))!;
    const d = decoding.createDecoder(reply);
    expect(decoding.readVarUint(d)).toBe(syncProtocol.messageYjsSyncStep2);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, decoding.readVarUint8Array(d));
    expect(fresh.getText('prompt').toString()).toBe('hi');
  });

  it('answers the first client with nothing from the stored state as loaded, and encodes the doc once anything changed', () => {
    const { source, stored, room } = storedRoom();
    room.join('a', user('ann'), 'editor', 'test');
    const step1 = (doc: Y.Doc) => {
      const e = encoding.createEncoder();
      syncProtocol.writeSyncStep1(e, doc);
      return encoding.toUint8Array(e);
    };
    const answer = (reply: Uint8Array | null) => {
      const d = decoding.createDecoder(reply!);
      expect(decoding.readVarUint(d)).toBe(syncProtocol.messageYjsSyncStep2);
      return decoding.readVarUint8Array(d);
    };
    // The first answer is the stored bytes themselves.
    expect(answer(room.handleSync('a', step1(new Y.Doc())))).toEqual(stored);
    // Later ones are Yjs' own encoding, with what changed since.
    const client = new Y.Doc();
    Y.applyUpdate(client, stored);
    client.getText(ROOTS.prompt).insert(6, '+typed');
    room.handleSync('a', updateMessage(Y.encodeStateAsUpdate(client, Y.encodeStateVector(source))));
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, answer(room.handleSync('a', step1(new Y.Doc()))));
    expect(fresh.getText(ROOTS.prompt).toString()).toBe('stored+typed');
    // A client holding part of it gets only what it lacks.
    const partial = answer(room.handleSync('a', step1(source)));
    Y.applyUpdate(source, partial);
    expect(source.getText(ROOTS.prompt).toString()).toBe('stored+typed');
    expect(partial.byteLength).toBeLessThan(stored.byteLength + 20);
    room.destroy();
  });

  it('answers from the stored state only while the doc is unchanged since it loaded', () => {
    const { room } = storedRoom();
    room.join('a', user('ann'), 'editor', 'test');
    room.transact((doc) => doc.getText(ROOTS.prompt).insert(0, 'server:'), 'test');
    const e = encoding.createEncoder();
    syncProtocol.writeSyncStep1(e, new Y.Doc());
    const d = decoding.createDecoder(room.handleSync('a', encoding.toUint8Array(e))!);
    decoding.readVarUint(d);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, decoding.readVarUint8Array(d));
    expect(fresh.getText(ROOTS.prompt).toString()).toBe('server:stored');
    room.destroy();
  });

  it('sends a turn’s participant changes merged: one message for the others, and to each sender only the rest', () => {
    const { room, turn, sent } = makeRoom({
      maxDocBytes: 1 << 20,
      maxAwarenessBytes: 1024,
      maxParticipantsPerRoom: 20,
      maxSpectatorsPerRoom: 20,
    });
    const typist = (id: string, clientId: number) => {
      room.join(id, user(id), 'editor', 'test');
      const doc = new Y.Doc();
      doc.clientID = clientId;
      return { id, doc };
    };
    const type = (t: { id: string; doc: Y.Doc }, text: string) => {
      const before = Y.encodeStateVector(t.doc);
      t.doc.getText('prompt').insert(0, text);
      room.handleSync(t.id, updateMessage(Y.encodeStateAsUpdate(t.doc, before)));
    };
    const textOf = (message: Uint8Array) => {
      const d = decoding.createDecoder(message);
      expect(decoding.readVarUint(d)).toBe(syncProtocol.messageYjsUpdate);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, decoding.readVarUint8Array(d));
      return doc.getText('prompt').toString();
    };
    const ann = typist('ann', 1);
    const bob = typist('bob', 2);
    type(ann, 'a');
    type(ann, 'b');
    type(bob, 'x');
    room.transact((doc) => doc.getMap('meta').set('title', 't'), 'test');
    turn.run();
    // The server's change alone, then one merge of all three keystrokes.
    expect(sent.map((o) => o.origin.source)).toEqual(['server', 'connection']);
    const merged = sent[1]!;
    expect(textOf(merged.message).length).toBe(3);
    expect([...merged.senders].sort()).toEqual(['ann', 'bob']);
    expect(textOf(merged.restFor('ann')!)).toBe('x');
    expect(textOf(merged.restFor('bob')!)).toBe('ba');
    // Merged once, on the first ask; nobody else has a rest.
    expect(merged.restFor('ann')).toBe(merged.restFor('ann'));
    expect(merged.restFor('carl')).toBeNull();

    // One sender: nothing goes back to it.
    sent.length = 0;
    type(bob, 'y');
    turn.run();
    expect([...sent[0]!.senders]).toEqual(['bob']);
    expect(sent[0]!.restFor('bob')).toBeNull();

    // Many senders: each gets the whole merge (its own part applies as a no-op).
    sent.length = 0;
    const many = Array.from({ length: MAX_TAILORED_SENDERS + 1 }, (_, i) => typist(`t${i}`, 10 + i));
    for (const t of many) type(t, 'z');
    turn.run();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.senders.size).toBe(0);
    expect(textOf(sent[0]!.message)).toBe('z'.repeat(many.length));
  });

  it('drops a viewer’s step 2 quietly and refuses its updates', () => {
    const { room, seen } = makeRoom();
    room.join('v', user('vic'), 'viewer', 'test');
    const client = new Y.Doc();
    client.getText('prompt').insert(0, 'no');
    const update = Y.encodeStateAsUpdate(client);
    const step2 = encoding.createEncoder();
    syncProtocol.writeSyncStep2(step2, client);
    expect(room.handleSync('v', encoding.toUint8Array(step2))).toBeNull();
    expect(() => room.handleSync('v', updateMessage(update))).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(room.doc.getText('prompt').toString()).toBe('');
    expect(seen).toEqual([]);
  });

  it('takes an empty step 2 (a new client’s answer to step 1) as a no-op: nothing stored or sent; a viewer’s empty update is still refused', async () => {
    const { room, seen, log, turn } = makeRoom();
    room.join('e', user('ed'), 'editor', 'test');
    room.join('v', user('vic'), 'viewer', 'test');
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    expect([...empty]).toEqual([0, 0]);
    const step2 = encoding.createEncoder();
    syncProtocol.writeSyncStep2(step2, new Y.Doc());
    const before = Y.encodeStateVector(room.doc);
    expect(room.handleSync('e', encoding.toUint8Array(step2))).toBeNull();
    expect(room.handleSync('e', updateMessage(empty))).toBeNull();
    turn.run();
    await room.saver.flush();
    expect(Y.encodeStateVector(room.doc)).toEqual(before);
    expect(seen).toEqual([]);
    expect(log.appends).toBe(0);
    expect(() => room.handleSync('v', updateMessage(empty))).toThrow(expect.objectContaining({ code: 'forbidden' }));
    // A non-empty update after it still goes through the checks and applies.
    const client = new Y.Doc();
    client.getText('prompt').insert(0, 'hi');
    room.handleSync('e', updateMessage(Y.encodeStateAsUpdate(client)));
    turn.run();
    await room.saver.flush();
    expect(room.doc.getText('prompt').toString()).toBe('hi');
    expect(log.appends).toBe(1);
  });

  it('loads its stored state with the schema’s root types already made, in one transaction', () => {
    const source = new Y.Doc();
    source.getArray(ROOTS.layers).push([new Y.Map([['id', 'l1']])]);
    source.getText(ROOTS.prompt).insert(0, 'fox');
    const update = Y.encodeStateAsUpdate(source);
    let transactions = 0;
    const onDoc = (doc: Y.Doc) => doc.on('afterTransaction', () => transactions++);
    const { doc } = testRoom({ stored: { update, entries: 1, bytes: update.byteLength } }).room;
    expect(doc.share.get(ROOTS.layers)).toBeInstanceOf(Y.Array);
    expect(doc.share.get(ROOTS.candidates)).toBeInstanceOf(Y.Array);
    expect(doc.share.get(ROOTS.prompt)).toBeInstanceOf(Y.Text);
    expect(doc.share.get(ROOTS.meta)).toBeInstanceOf(Y.Map);
    expect(doc.getText(ROOTS.prompt).toString()).toBe('fox');
    expect(doc.getArray<Y.Map<string>>(ROOTS.layers).get(0).get('id')).toBe('l1');
    // Asking for them again (as the signals and timeline readers do on load) runs no transaction.
    onDoc(doc);
    doc.getArray(ROOTS.layers);
    doc.getArray(ROOTS.candidates);
    expect(transactions).toBe(0);
  });

  it('refuses messages from connections that did not join, and joins past the participant limit', () => {
    const { room } = makeRoom();
    expect(() => room.handleSync('stranger', updateMessage(new Uint8Array([0, 0])))).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
    room.join('a', user('a'), 'editor', 'test');
    room.join('b', user('b'), 'editor', 'test');
    room.join('b', user('b'), 'editor', 'test');
    room.join('c', user('c'), 'editor', 'test');
    expect(() => room.join('d', user('d'), 'editor', 'test')).toThrow(expect.objectContaining({ code: 'unavailable' }));
    room.leave('a');
    expect(() => room.join('d', user('d'), 'editor', 'test')).not.toThrow();
  });

  it('counts viewers apart from makers, and a role changed in place moves a participant between the two', () => {
    const { room } = makeRoom();
    for (const id of ['a', 'b', 'c']) room.join(id, user(id), 'editor', 'test');
    // Makers are at their limit; spectators have their own.
    room.join('v1', user('v1'), 'viewer', 'test');
    room.join('v2', user('v2'), 'viewer', 'test');
    expect(() => room.join('v3', user('v3'), 'viewer', 'test')).toThrow(expect.objectContaining({ code: 'unavailable' }));
    expect([room.makers, room.spectators]).toEqual([3, 2]);

    const client = new Y.Doc();
    client.getText('prompt').insert(0, 'hello');
    const update = updateMessage(Y.encodeStateAsUpdate(client));
    expect(() => room.handleSync('v1', update)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    room.leave('c');
    expect(room.setRole('v1', 'editor').map((p) => p.connectionId)).toEqual(['v1']);
    expect([room.makers, room.spectators]).toEqual([3, 1]);
    expect(room.handleSync('v1', update)).toBeNull();
    expect(room.doc.getText('prompt').toString()).toBe('hello');
    // Revoked: viewer again, and counted as one.
    room.setRole('v1', 'viewer');
    expect([room.makers, room.spectators]).toEqual([2, 2]);
    expect(() => room.handleSync('v1', update)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    room.leave('v1');
    expect([room.makers, room.spectators]).toEqual([2, 1]);
  });

  it('measures the document exactly only when an update could cross the limit', () => {
    const { room } = makeRoom({ maxDocBytes: 400, maxAwarenessBytes: 1024, maxParticipantsPerRoom: 3, maxSpectatorsPerRoom: 2 });
    room.join('a', user('a'), 'editor', 'test');
    const client = new Y.Doc();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 40; i++) client.getText('prompt').insert(i, 'x');
    for (const u of updates) room.handleSync('a', updateMessage(u));
    expect(room.doc.getText('prompt').length).toBe(40);
    const big = new Y.Doc();
    big.getText('prompt').insert(0, 'y'.repeat(500));
    expect(() => room.handleSync('a', updateMessage(Y.encodeStateAsUpdate(big)))).toThrow(expect.objectContaining({ code: 'too_large' }));
    expect(room.doc.getText('prompt').length).toBe(40);
    expect(room.measureDocBytes()).toBeLessThan(400);
  });

  it('removes a participant’s awareness states when it leaves, telling observers', () => {
    const { room, turn, presence } = makeRoom();
    room.join('a', user('a'), 'editor', 'test');
    room.join('b', user('b'), 'editor', 'test');
    const aware = new awarenessProtocol.Awareness(new Y.Doc());
    aware.setLocalState({ cursor: 1 });
    room.handleAwareness('a', awarenessProtocol.encodeAwarenessUpdate(aware, [aware.clientID]));
    expect(room.awareness.getStates().get(aware.clientID)).toEqual({ cursor: 1, watching: false });
    expect(room.participants.get('a')!.awarenessClients).toEqual(new Set([aware.clientID]));
    turn.run();
    room.leave('a');
    expect(room.awareness.getStates().has(aware.clientID)).toBe(false);
    turn.run();
    expect(presence).toHaveLength(2);
    const removal = readAwarenessUpdate(presence[1]!.message, 10);
    expect(removal.map((e) => [e.clientId, e.removed])).toEqual([[aware.clientID, true]]);
    // Other nodes hear it too: it is a change of this node's participant.
    expect(presence[1]!.relayed).toEqual(presence[1]!.message);
    expect(room.awarenessSnapshot()).toBeNull();
  });

  it('expires presence not renewed for 30 s, keeps a renewed one, and holds no timer of its own', () => {
    // y-protocols would check each Awareness on its own 3 s timer; the registry sweeps every room instead.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let made: ReturnType<typeof makeRoom>;
    try {
      made = makeRoom();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    const { room, turn, presence } = made;
    room.join('a', user('a'), 'editor', 'test');
    room.join('b', user('b'), 'editor', 'test');
    const stale = new awarenessProtocol.Awareness(new Y.Doc());
    const fresh = new awarenessProtocol.Awareness(new Y.Doc());
    for (const [id, aware] of [
      ['a', stale],
      ['b', fresh],
    ] as const) {
      aware.setLocalState({ cursor: 1 });
      room.handleAwareness(id, awarenessProtocol.encodeAwarenessUpdate(aware, [aware.clientID]));
    }
    const renewedAt = room.awareness.meta.get(fresh.clientID)!.lastUpdated;
    // Both heard at the same instant (the two calls above may straddle a millisecond).
    room.awareness.meta.get(stale.clientID)!.lastUpdated = renewedAt;
    room.expireAwareness(renewedAt + awarenessProtocol.outdatedTimeout - 1);
    expect(room.awareness.getStates().size).toBe(2);
    room.awareness.meta.get(fresh.clientID)!.lastUpdated = renewedAt + 20_000;
    turn.run();
    presence.length = 0;
    room.expireAwareness(renewedAt + awarenessProtocol.outdatedTimeout);
    expect([...room.awareness.getStates().keys()]).toEqual([fresh.clientID]);
    expect(room.participants.get('a')!.awarenessClients.size).toBe(0);
    turn.run();
    // To everyone, and not relayed: every node expires presence itself.
    expect(presence).toHaveLength(1);
    expect(readAwarenessUpdate(presence[0]!.message, 10).map((e) => [e.clientId, e.removed])).toEqual([[stale.clientID, true]]);
    expect(presence[0]!.senders.size).toBe(0);
    expect(presence[0]!.relayed).toBeNull();
    stale.destroy();
    fresh.destroy();
  });

  it('stores connection and server changes, but not remote ones', async () => {
    const { room, log } = makeRoom();
    room.transact((doc) => doc.getText('prompt').insert(0, 'server '), 'test');
    const remote = new Y.Doc();
    remote.getText('prompt').insert(0, 'remote ');
    room.applyRemoteUpdate(Y.encodeStateAsUpdate(remote), 'node-b');
    await room.saver.flush();
    const stored = new Y.Doc();
    for (const u of log.rooms.get('r')!) Y.applyUpdate(stored, u);
    expect(stored.getText('prompt').toString()).toBe('server ');
    expect(room.doc.getText('prompt').toString()).toContain('remote');
  });
});
