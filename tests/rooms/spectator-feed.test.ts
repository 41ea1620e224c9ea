// The spectator feed's pacing without a transport: rooms whose holds end in
// the same turn (a loop that lagged) are sent a bounded number of spectators
// a turn, oldest first, so makers' turns get in between; and what must go at
// once (the server's own change, an event to the room) goes after the shares
// of older changes still waiting, never ahead of them.
import pino from 'pino';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { TurnEnd } from '../../server/rooms/persistence/turn-end.ts';
import type { Room } from '../../server/rooms/room.ts';
import { inShare, SpectatorFeed, type SpectatorUpdate } from '../../server/rooms/spectator-feed.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { TEST_ROOM_LIMITS, testRoom } from '../helpers/test-room.ts';

const logger = pino({ level: 'silent' });
const user = (id: string) => ({ id, name: id, color: '#000000' });

function roomWatchedBy(id: string, spectators: number, feed: SpectatorFeed, turn: TurnEnd): Room {
  const limits = { ...TEST_ROOM_LIMITS, maxSpectatorsPerRoom: spectators };
  const { room } = testRoom({ id, limits, turn, listeners: [feed] });
  room.join(`${id}-maker`, user(`${id}-maker`), 'editor', 'test');
  for (let i = 0; i < spectators; i++) room.join(`${id}-watcher-${i}`, user(`${id}-watcher-${i}`), 'viewer', 'test');
  return room;
}

/** What `describe` makes of each frame the feed sends, with the turn it went in: a counter bumped once after every turn that sent one. */
function framesByTurn<T extends object>(
  feed: SpectatorFeed,
  describe: (room: Room, outgoing: SpectatorUpdate) => T,
): Array<T & { turn: number }> {
  const sent: Array<T & { turn: number }> = [];
  let turns = 0;
  let bumping = false;
  feed.events.add({
    spectatorUpdate: (room, outgoing) => {
      sent.push({ ...describe(room, outgoing), turn: turns });
      if (bumping) return;
      bumping = true;
      setImmediate(() => {
        turns++;
        bumping = false;
      });
    },
  });
  return sent;
}

function type(room: Room, text: string): void {
  const doc = new Y.Doc();
  doc.getText('prompt').insert(0, text);
  const encoder = encoding.createEncoder();
  syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc));
  room.handleSync(`${room.id}-maker`, encoding.toUint8Array(encoder));
}

describe('SpectatorFeed', () => {
  it('sends rooms due together a bounded number of spectators a turn, oldest first, each with all it held', async () => {
    const turn = new TurnEnd((err) => {
      throw err;
    });
    const feed = new SpectatorFeed({ intervalMs: 1, logger, writesPerTurn: 2 });
    const sent = framesByTurn(feed, (room, outgoing) => {
      const doc = new Y.Doc();
      if (outgoing.update) Y.applyUpdate(doc, outgoing.update);
      return { room: room.id, text: doc.getText('prompt').toString() };
    });
    const rooms = ['a', 'b', 'c'].map((id) => roomWatchedBy(id, 2, feed, turn));
    for (const room of rooms) {
      type(room, `${room.id}1`);
      turn.run();
    }
    type(rooms[0] as Room, 'a2');
    turn.run();
    // Held past every hold's end, as a lagging loop would be: the three come due in one turn.
    const until = performance.now() + 5;
    while (performance.now() < until);
    await waitFor(() => sent.length === 3, WAIT_BUDGET_MS, 'every room sent');
    expect(sent.map(({ room, turn }) => [room, turn])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
    expect(sent[0]?.text).toContain('a1');
    expect(sent[0]?.text).toContain('a2');
    expect(feed.waiting).toBe(0);
  });

  it('sends the makers a change read in the turn a hold ends before that room’s spectators their slice', async () => {
    const turn = new TurnEnd((err) => {
      throw err;
    });
    const feed = new SpectatorFeed({ intervalMs: 1, logger, turn });
    const order: string[] = [];
    feed.events.add({ spectatorUpdate: (room) => order.push(`spectators of ${room.id}`) });
    const watched = roomWatchedBy('watched', 2, feed, turn);
    const { room: other } = testRoom({ id: 'other', turn, listeners: [{ docUpdate: (room) => order.push(`makers of ${room.id}`) }] });
    other.join('other-maker', user('other-maker'), 'editor', 'test');
    type(watched, 'w');
    turn.run();
    // The same timer list as the hold's, after it: a keystroke read in the phase that ends the hold.
    setTimeout(() => type(other, 'o'), 1);
    await waitFor(() => order.length === 2, WAIT_BUDGET_MS, 'both sent');
    expect(order).toEqual(['makers of other', 'spectators of watched']);
  });

  it('sends a room watched by more than a turn’s writes to its spectators in shares, a turn each, every spectator in exactly one', async () => {
    const turn = new TurnEnd((err) => {
      throw err;
    });
    const feed = new SpectatorFeed({ intervalMs: 1, logger, writesPerTurn: 2 });
    const sent = framesByTurn(feed, (_room, outgoing) => ({ share: outgoing.share }));
    const room = roomWatchedBy('big', 5, feed, turn);
    type(room, 'x');
    turn.run();
    await waitFor(() => sent.length === 3, WAIT_BUDGET_MS, 'three shares');
    expect(sent).toEqual([
      { share: { index: 0, of: 3 }, turn: 0 },
      { share: { index: 1, of: 3 }, turn: 1 },
      { share: { index: 2, of: 3 }, turn: 2 },
    ]);
    const spectators = [...room.participants.keys()].filter((id) => id.includes('watcher'));
    for (const id of spectators)
      expect(
        sent.filter(({ share }) => inShare(id, share)),
        id,
      ).toHaveLength(1);
  });

  for (const trigger of ['the server’s own change', 'an event to the room'] as const) {
    it(`sends the shares still waiting before what ${trigger} sends at once`, async () => {
      const turn = new TurnEnd((err) => {
        throw err;
      });
      const feed = new SpectatorFeed({ intervalMs: 1, logger, writesPerTurn: 2 });
      const sent: Array<{ share: string; text: string }> = [];
      const room = roomWatchedBy('big', 5, feed, turn);
      // What a spectator in every share would have, frame after frame.
      const doc = new Y.Doc();
      feed.events.add({
        spectatorUpdate: (_room, outgoing) => {
          if (outgoing.update) Y.applyUpdate(doc, outgoing.update);
          sent.push({ share: `${outgoing.share.index}/${outgoing.share.of}`, text: doc.getText('prompt').toString() });
          if (sent.length > 1) return;
          // Once the first share went, before the next turn sends the second: something must go now.
          queueMicrotask(() => {
            if (trigger === 'an event to the room') {
              type(room, 'y');
              turn.run();
              feed.flushRoom(room.id);
            } else {
              room.transact((roomDoc) => roomDoc.getText('prompt').insert(0, 'y'), 'test');
              turn.run();
            }
          });
        },
      });
      type(room, 'x');
      turn.run();
      await waitFor(() => sent.length === 4, WAIT_BUDGET_MS, 'three shares and the change sent at once');
      expect(sent).toEqual([
        { share: '0/3', text: 'x' },
        { share: '1/3', text: 'x' },
        { share: '2/3', text: 'x' },
        { share: '0/1', text: expect.stringContaining('y') },
      ]);
      expect(feed.waiting).toBe(0);
    });
  }
});
