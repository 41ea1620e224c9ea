// A room's presence fan-out (server/rooms/room-presence.ts,
// presence-cadence.ts): awareness changes go out at the end of a turn, at
// most once an interval, as one update holding the latest state of each
// client changed; a participant whose own change is in it gets the rest; the
// server's own re-statements reach everyone, their owner included. Fake
// timers stand in for the interval.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeAwarenessEntries, readAwarenessUpdate } from '../../server/rooms/awareness-message.ts';
import { MAX_TAILORED_SENDERS } from '../../server/rooms/outgoing.ts';
import type { OutgoingAwareness } from '../../server/rooms/room-presence.ts';
import { IntervalWheel, PRESENCE_INTERVAL_MS } from '../../server/rooms/presence-cadence.ts';
import { testRoom } from '../helpers/test-room.ts';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const user = (id: string) => ({ id, name: id, color: '#000000' });
const limits = { maxDocBytes: 1 << 20, maxAwarenessBytes: 1024, maxParticipantsPerRoom: 10, maxSpectatorsPerRoom: 2 };

/** A client's own Awareness; `move` sets its cursor and hands the update to the room as that connection. */
function client(room: ReturnType<typeof testRoom>['room'], connectionId: string) {
  const aware = new awarenessProtocol.Awareness(new Y.Doc());
  // Its renewal timer is not the room's: leave only the room's timers to count.
  clearInterval(aware._checkInterval);
  return {
    id: aware.clientID,
    aware,
    move(cursor: number) {
      aware.setLocalState({ cursor });
      room.handleAwareness(connectionId, awarenessProtocol.encodeAwarenessUpdate(aware, [aware.clientID]));
    },
  };
}

/** clientId → [clock, state] of an awareness update. */
function entriesOf(message: Uint8Array | null | undefined) {
  if (!message) return message;
  return Object.fromEntries(readAwarenessUpdate(message, 100).map((e) => [e.clientId, [e.clock, JSON.parse(e.json)]]));
}

function only(presence: OutgoingAwareness[]): OutgoingAwareness {
  expect(presence).toHaveLength(1);
  const [outgoing] = presence;
  if (!outgoing) throw new Error('nothing sent');
  return outgoing;
}

/** A room with three editors, a, b and c, and the clients of a and b. */
function roomOfThree() {
  const { room, turn, presence } = testRoom({ limits });
  for (const id of ['a', 'b', 'c']) room.join(id, user(id), 'editor', 'test');
  return { room, turn, presence, a: client(room, 'a'), b: client(room, 'b') };
}

describe('room presence fan-out', () => {
  it('sends a turn’s three updates from two clients as one update with the latest state of each; each sender gets the other’s', () => {
    const { turn, presence, a, b } = roomOfThree();
    a.move(1);
    b.move(1);
    a.move(2);
    // Nothing before the end of the turn.
    expect(presence).toEqual([]);
    turn.run();
    const outgoing = only(presence);
    expect(entriesOf(outgoing.message)).toEqual({
      [a.id]: [2, { cursor: 2, watching: false }],
      [b.id]: [1, { cursor: 1, watching: false }],
    });
    expect(entriesOf(outgoing.senders.get('a'))).toEqual({ [b.id]: [1, { cursor: 1, watching: false }] });
    expect(entriesOf(outgoing.senders.get('b'))).toEqual({ [a.id]: [2, { cursor: 2, watching: false }] });
    expect(outgoing.senders.has('c')).toBe(false);
    // A third participant applying it sees both as they are now.
    const third = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(third, outgoing.message, 'server');
    expect(third.getStates().get(a.id)).toEqual({ cursor: 2, watching: false });
    expect(third.getStates().get(b.id)).toEqual({ cursor: 1, watching: false });

    // The next goes out at the end of the interval: one sender alone gets nothing back.
    a.move(3);
    turn.run();
    expect(presence).toHaveLength(1);
    vi.advanceTimersByTime(PRESENCE_INTERVAL_MS);
    turn.run();
    expect(presence).toHaveLength(2);
    expect(entriesOf(presence[1]?.message)).toEqual({ [a.id]: [3, { cursor: 3, watching: false }] });
    expect(presence[1]?.senders.get('a')).toBeNull();
  });

  it('relays only this node’s participants’ changes, once a turn, and sends another node’s to everyone here', () => {
    const { room, turn, presence } = testRoom({ limits });
    for (const id of ['a', 'b']) room.join(id, user(id), 'editor', 'test');
    const a = client(room, 'a');
    const remote = new awarenessProtocol.Awareness(new Y.Doc());
    remote.setLocalState({ cursor: 9 });
    a.move(1);
    room.applyRemoteAwareness(awarenessProtocol.encodeAwarenessUpdate(remote, [remote.clientID]), 'node-b');
    a.move(2);
    turn.run();
    const outgoing = only(presence);
    expect(Object.keys(entriesOf(outgoing.message) ?? {}).sort()).toEqual([String(a.id), String(remote.clientID)].sort());
    expect(entriesOf(outgoing.relayed)).toEqual({ [a.id]: [2, { cursor: 2, watching: false }] });
    expect(entriesOf(outgoing.senders.get('a'))).toEqual({ [remote.clientID]: [1, { cursor: 9 }] });
  });

  it('sends a removal made in the same turn as the state it removes, and nothing for a room gone meanwhile', () => {
    const { room, turn, presence } = testRoom({ limits });
    for (const id of ['a', 'b']) room.join(id, user(id), 'editor', 'test');
    const b = client(room, 'b');
    b.move(1);
    room.leave('b');
    turn.run();
    // y-protocols keeps a remote client's clock on removal; a receiver holding the state takes a null at that clock.
    expect(entriesOf(only(presence).message)).toEqual({ [b.id]: [1, null] });

    b.aware.setLocalState({ cursor: 2 });
    room.join('b2', user('b'), 'editor', 'test');
    room.handleAwareness('b2', awarenessProtocol.encodeAwarenessUpdate(b.aware, [b.id]));
    room.destroy();
    turn.run();
    expect(presence).toHaveLength(1);
  });

  it('sends the server’s re-statement of a client’s state to everyone, its owner included', () => {
    const { room, turn, presence } = testRoom({ limits });
    room.join('a', user('a'), 'owner', 'test');
    room.join('b', user('b'), 'editor', 'test');
    const b = client(room, 'b');
    b.move(1);
    turn.run();
    room.setRole('b', 'viewer');
    vi.advanceTimersByTime(PRESENCE_INTERVAL_MS);
    turn.run();
    const outgoing = presence[1];
    expect(entriesOf(outgoing?.message)).toEqual({ [b.id]: [2, { cursor: 1, watching: true }] });
    expect(outgoing?.senders.size).toBe(0);
    // Other nodes show the new role too.
    expect(outgoing?.relayed).toEqual(outgoing?.message);
  });

  it('sends the state the room holds when one update names a client twice at one clock (y-protocols keeps the first)', () => {
    const { room, turn, presence } = testRoom({ limits });
    for (const id of ['a', 'b']) room.join(id, user(id), 'editor', 'test');
    room.handleAwareness(
      'a',
      encodeAwarenessEntries([
        { clientId: 7, clock: 3, json: '{"cursor":1,"watching":false}', removed: false },
        { clientId: 7, clock: 3, json: '{"cursor":2,"watching":false}', removed: false },
      ]),
    );
    turn.run();
    expect(room.awareness.getStates().get(7)).toEqual({ cursor: 1, watching: false });
    expect(entriesOf(only(presence).message)).toEqual({ 7: [3, { cursor: 1, watching: false }] });
  });

  it(`past ${MAX_TAILORED_SENDERS} senders in a turn each gets the whole update, in which its own entry changes nothing`, () => {
    const { room, turn, presence } = testRoom({ limits });
    const ids = Array.from({ length: MAX_TAILORED_SENDERS + 1 }, (_, i) => `p${i}`);
    for (const id of ids) room.join(id, user(id), 'editor', 'test');
    const clients = ids.map((id) => client(room, id));
    for (const c of clients) c.move(5);
    turn.run();
    const outgoing = only(presence);
    expect(outgoing.senders.size).toBe(0);
    expect(Object.keys(entriesOf(outgoing.message) ?? {})).toHaveLength(clients.length);
    // Each sender applies its own state back: y-protocols takes none of it (the clock is not newer).
    const [first] = clients;
    if (!first) throw new Error('no client');
    const changes: unknown[] = [];
    first.aware.on('change', (change: unknown) => changes.push(change));
    awarenessProtocol.applyAwarenessUpdate(first.aware, outgoing.message, 'server');
    expect(changes).toEqual([{ added: clients.slice(1).map((c) => c.id), updated: [], removed: [] }]);
    expect(first.aware.getLocalState()).toEqual({ cursor: 5 });
  });

  it('sends a lone move at the end of its turn, what follows within the interval merged at its end, then waits for the next move', () => {
    const { turn, presence, a, b } = roomOfThree();
    a.move(1);
    turn.run();
    expect(presence).toHaveLength(1);
    // Nine turns of moves from two clients within the interval: nothing until it ends.
    for (let i = 2; i <= 10; i++) {
      a.move(i);
      b.move(i);
      turn.run();
    }
    vi.advanceTimersByTime(PRESENCE_INTERVAL_MS - 1);
    turn.run();
    expect(presence).toHaveLength(1);
    vi.advanceTimersByTime(1);
    turn.run();
    expect(presence).toHaveLength(2);
    const merged = presence[1];
    expect(entriesOf(merged?.message)).toEqual({
      [a.id]: [10, { cursor: 10, watching: false }],
      [b.id]: [9, { cursor: 10, watching: false }],
    });
    expect(entriesOf(merged?.senders.get('a'))).toEqual({ [b.id]: [9, { cursor: 10, watching: false }] });
    expect(entriesOf(merged?.senders.get('b'))).toEqual({ [a.id]: [10, { cursor: 10, watching: false }] });
    // The relay publishes the merge once.
    expect(merged?.relayed).toEqual(merged?.message);

    // That send opened another interval; one with nothing in it ends quietly…
    vi.advanceTimersByTime(PRESENCE_INTERVAL_MS);
    turn.run();
    expect(presence).toHaveLength(2);
    // …so the next move goes out at the end of its turn.
    a.move(11);
    turn.run();
    expect(presence).toHaveLength(3);
    expect(entriesOf(presence[2]?.message)).toEqual({ [a.id]: [11, { cursor: 11, watching: false }] });
  });

  it('sends a removal at the end of its turn within an interval, with the moves that waited', () => {
    const { room, turn, presence, a, b } = roomOfThree();
    a.move(1);
    turn.run();
    a.move(2);
    b.move(1);
    turn.run();
    expect(presence).toHaveLength(1);
    room.leave('b');
    turn.run();
    expect(presence).toHaveLength(2);
    expect(entriesOf(presence[1]?.message)).toEqual({ [a.id]: [2, { cursor: 2, watching: false }], [b.id]: [1, null] });
    expect(entriesOf(presence[1]?.senders.get('a'))).toEqual({ [b.id]: [1, null] });
    // The interval cut short ends with nothing sent twice.
    vi.advanceTimersByTime(PRESENCE_INTERVAL_MS);
    turn.run();
    expect(presence).toHaveLength(2);
  });

  it('holds every room’s interval on one timer', () => {
    const wheel = new IntervalWheel(PRESENCE_INTERVAL_MS);
    const rooms = Array.from({ length: 50 }, () => testRoom({ limits, wheel }));
    const clients = rooms.map(({ room }) => {
      room.join('a', user('a'), 'editor', 'test');
      room.join('b', user('b'), 'editor', 'test');
      return client(room, 'a');
    });
    for (const c of clients) c.move(1);
    for (const { turn } of rooms) turn.run();
    for (const c of clients) c.move(2);
    for (const { turn } of rooms) turn.run();
    expect(wheel.size).toBe(50);
    // The turns' own immediates, with nothing left to do.
    vi.advanceTimersByTime(0);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(PRESENCE_INTERVAL_MS);
    for (const { turn } of rooms) turn.run();
    expect(rooms.map(({ presence }) => presence.length)).toEqual(rooms.map(() => 2));
  });

  it('keeps its tasks in due order when its delay shrinks', () => {
    const wheel = new IntervalWheel(60_000);
    const ran: string[] = [];
    wheel.add(() => ran.push('long'));
    wheel.delayMs = PRESENCE_INTERVAL_MS;
    wheel.add(() => ran.push('short'));
    vi.advanceTimersByTime(PRESENCE_INTERVAL_MS);
    expect(ran).toEqual(['short']);
    vi.advanceTimersByTime(60_000);
    expect(ran).toEqual(['short', 'long']);
    expect(wheel.size).toBe(0);
  });
});
