// Under load a turn's fan-out is held for a few milliseconds: appends still
// commit every turn, what arrives meanwhile goes out merged in one message,
// and nothing is sent before it is stored. The holds run on a fake clock
// (turns are real): a loaded machine must not decide what a test sees.
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { LoadPacing, type PublishPacing } from '../../server/rooms/persistence/publish-pacing.ts';
import { TurnEnd } from '../../server/rooms/persistence/turn-end.ts';
import { testRoom } from '../helpers/test-room.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const holding = (holdMs: number): PublishPacing => ({ holdMs: () => holdMs });

function pacedTurn(holdMs: number) {
  const turn = new TurnEnd((err) => {
    throw err;
  });
  turn.pace(holding(holdMs));
  return turn;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TurnEnd with pacing', () => {
  it('publishes a paced task at the end of the turn in which its hold ends, after that turn’s appends', async () => {
    const turn = pacedTurn(30);
    const order: string[] = [];
    turn.persist(() => order.push('persist 1'));
    turn.publishPaced(() => order.push('publish'));
    await nextTurn();
    expect(order).toEqual(['persist 1']);
    expect(turn.held).toBe(1);
    // A later turn's append commits in its own turn, before the held publish.
    turn.persist(() => order.push('persist 2'));
    await nextTurn();
    expect(order).toEqual(['persist 1', 'persist 2']);
    vi.advanceTimersByTime(30);
    expect(order).toEqual(['persist 1', 'persist 2']);
    await nextTurn();
    expect(order).toEqual(['persist 1', 'persist 2', 'publish']);
    expect(turn.held).toBe(0);
  });

  it('runs what is waiting to persist before a held publish, whatever phase queued it', async () => {
    const turn = pacedTurn(20);
    const order: string[] = [];
    turn.publishPaced(() => order.push('publish'));
    // Queued from a timer that fires in the same phase as the hold's end.
    setTimeout(() => turn.persist(() => order.push('persist')), 20);
    vi.advanceTimersByTime(20);
    await nextTurn();
    expect(order).toEqual(['persist', 'publish']);
  });

  it('queues a task once while it is held', async () => {
    const turn = pacedTurn(10);
    let published = 0;
    const task = () => published++;
    turn.publishPaced(task);
    turn.publishPaced(task);
    expect(turn.held).toBe(1);
    vi.advanceTimersByTime(10);
    await nextTurn();
    await nextTurn();
    expect(published).toBe(1);
  });

  it('run() publishes held tasks at once (shutdown)', () => {
    const turn = pacedTurn(10_000);
    let published = false;
    turn.publishPaced(() => (published = true));
    turn.run();
    expect(published).toBe(true);
    expect(turn.held).toBe(0);
  });

  it('without a hold publishes at the end of the turn', async () => {
    const turn = pacedTurn(0);
    let published = 0;
    turn.publishPaced(() => published++);
    expect(turn.held).toBe(0);
    await nextTurn();
    expect(published).toBe(1);
  });
});

describe('LoadPacing', () => {
  it('holds from the engage level until utilisation falls under the release level', () => {
    const busy: number[] = [];
    const pacing = new LoadPacing({ holdMs: 15, engageAt: 0.8, releaseAt: 0.6, sampleMs: 100, onBusy: (s) => busy.push(s) });
    expect(pacing.holdMs()).toBe(0);
    pacing.sample(0.79);
    expect(pacing.holdMs()).toBe(0);
    pacing.sample(0.85);
    expect(pacing.holdMs()).toBe(15);
    pacing.sample(0.65);
    expect(pacing.holdMs()).toBe(15);
    pacing.sample(0.5);
    expect(pacing.holdMs()).toBe(0);
    // The metric counts the busy samples' time.
    expect(busy).toEqual([0.1, 0.1]);
  });

  it('never holds with a hold of 0', () => {
    const pacing = new LoadPacing({ holdMs: 0 });
    pacing.sample(1);
    expect(pacing.holdMs()).toBe(0);
  });
});

/** A participant typing into a room: each key one sync update, as the client sends it. */
function typist(room: ReturnType<typeof testRoom>['room']) {
  const doc = new Y.Doc();
  room.join('ann', { id: 'ann', name: 'ann', color: '#000000' }, 'editor', 'test');
  return (key: string) => {
    const before = Y.encodeStateVector(doc);
    doc.getText('prompt').insert(doc.getText('prompt').length, key);
    const e = encoding.createEncoder();
    syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc, before));
    room.handleSync('ann', encoding.toUint8Array(e));
  };
}

describe('a room under a held turn', () => {
  it('sends keystrokes of several turns as one stored message', async () => {
    const { room, log, sent, storedWhenSent } = testRoom(undefined, pacedTurn(40));
    const type = typist(room);
    for (const key of ['a', 'b', 'c']) {
      type(key);
      await nextTurn();
    }
    // Each turn committed its keystroke; none went out yet.
    expect(log.rooms.get('r')).toHaveLength(3);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(40);
    await nextTurn();
    expect(sent).toHaveLength(1);
    expect(storedWhenSent).toEqual([3]);
    const d = decoding.createDecoder(sent[0]!.message);
    expect(decoding.readVarUint(d)).toBe(syncProtocol.messageYjsUpdate);
    const seen = new Y.Doc();
    Y.applyUpdate(seen, decoding.readVarUint8Array(d));
    expect(seen.getText('prompt').toString()).toBe('abc');
  });

  it('sends a server change at the end of its turn, with the keystrokes held before it', async () => {
    const { room, sent } = testRoom(undefined, pacedTurn(10_000));
    const type = typist(room);
    type('a');
    await nextTurn();
    expect(sent).toHaveLength(0);
    // A job's images, say: the event announcing them follows, so they must not wait.
    room.transact((doc) => doc.getMap('meta').set('title', 'from the server'), 'test');
    await nextTurn();
    expect(sent.map((o) => o.origin.source)).toEqual(['server', 'connection']);
    // Nothing is left held to go out twice.
    vi.advanceTimersByTime(10_000);
    await nextTurn();
    expect(sent).toHaveLength(2);
  });
});
