// The listener primitive: one listener's failure is logged and stops only that
// listener, never the module that emits. Checked on the primitive itself and on
// the emitters that used to let a failure through (a room's docApplied and
// awarenessUpdate, a saver's appended hook).
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { Listeners } from '../server/listeners.ts';
import { DocSaver, type SaverEvents } from '../server/rooms/persistence/doc-saver.ts';
import type { RoomEvents } from '../server/rooms/room.ts';
import { MemoryDocLog } from './helpers/memory-store.ts';
import { testRoom } from './helpers/test-room.ts';

interface LogLine {
  msg: string;
  emitter?: string;
  event?: string;
  err?: { message: string };
}

/** A real pino logger whose lines the test can read. */
function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** pino writes through a stream: its lines arrive a tick later. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

interface Events {
  changed?(value: number): void;
  loaded?(name: string): Promise<void> | void;
}

describe('Listeners', () => {
  it('calls every listener even when one throws, and logs the failure instead of throwing into the emitter', async () => {
    const { logger, lines } = capturingLogger();
    const listeners = new Listeners<Events>(logger, 'test emitter');
    const heard: string[] = [];
    listeners.add({ changed: (v) => heard.push(`a${v}`) });
    listeners.add({
      changed: () => {
        throw new Error('bad observer');
      },
    });
    listeners.add({ loaded: () => void heard.push('not a change') });
    listeners.add({ changed: (v) => heard.push(`c${v}`) });
    expect(() => listeners.emit('changed', 1)).not.toThrow();
    expect(heard).toEqual(['a1', 'c1']);
    await settle();
    expect(lines).toMatchObject([{ msg: 'listener failed', emitter: 'test emitter', event: 'changed', err: { message: 'bad observer' } }]);
  });

  it('logs a listener’s rejected promise rather than leaving it unhandled', async () => {
    const { logger, lines } = capturingLogger();
    const listeners = new Listeners<Events>(logger, 'test emitter');
    listeners.add({ loaded: () => Promise.reject(new Error('async failure')) });
    listeners.emit('loaded', 'x');
    await settle();
    await settle();
    expect(lines).toMatchObject([{ event: 'loaded', err: { message: 'async failure' } }]);
  });

  it('emitInOrder awaits each listener before the next, and never rejects', async () => {
    const { logger, lines } = capturingLogger();
    const listeners = new Listeners<Events>(logger, 'test emitter');
    const order: string[] = [];
    listeners.add({
      loaded: async (name) => {
        await settle();
        order.push(`first ${name}`);
      },
    });
    listeners.add({ loaded: () => Promise.reject(new Error('second fails')) });
    listeners.add({ loaded: (name) => void order.push(`third ${name}`) });
    await expect(listeners.emitInOrder('loaded', 'room')).resolves.toBeUndefined();
    expect(order).toEqual(['first room', 'third room']);
    await settle();
    expect(lines).toMatchObject([{ event: 'loaded', err: { message: 'second fails' } }]);
  });

  it('calls methods on their own object, and an emit in progress keeps the list it started with', () => {
    const { logger } = capturingLogger();
    const listeners = new Listeners<Events>(logger, 'test emitter');
    class Counter {
      total = 0;
      changed(value: number) {
        this.total += value;
      }
    }
    const counter = new Counter();
    const late = new Counter();
    let removeCounter = () => {};
    listeners.add({
      changed: () => {
        listeners.add(late);
        removeCounter();
      },
    });
    removeCounter = listeners.add(counter);
    listeners.emit('changed', 5);
    expect(counter.total).toBe(5);
    expect(late.total).toBe(0);
    listeners.emit('changed', 2);
    expect(counter.total).toBe(5);
    expect(late.total).toBe(2);
  });
});

describe('emitters that used to let a listener’s failure through', () => {
  it('a room applies an update and sends it on although one listener throws on every event', async () => {
    const { logger, lines } = capturingLogger();
    const sent: string[] = [];
    const broken: RoomEvents = {
      docApplied: () => {
        throw new Error('docApplied bug');
      },
      docUpdate: () => {
        throw new Error('docUpdate bug');
      },
      awarenessUpdate: () => {
        throw new Error('awarenessUpdate bug');
      },
    };
    const { room, log, turn } = testRoom({ logger, listeners: [broken, { docUpdate: (_room, out) => sent.push(out.origin.source) }] });
    room.join('c1', { id: 'ann', name: 'Ann', color: '#000000' }, 'editor', 'test');
    const client = new Y.Doc();
    client.getText('prompt').insert(0, 'still applied');
    const e = encoding.createEncoder();
    syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(client));
    expect(room.handleSync('c1', encoding.toUint8Array(e))).toBeNull();
    const aware = new awarenessProtocol.Awareness(new Y.Doc());
    aware.setLocalState({ cursor: 1 });
    room.handleAwareness('c1', awarenessProtocol.encodeAwarenessUpdate(aware, [aware.clientID]));
    turn.run();
    expect(room.doc.getText('prompt').toString()).toBe('still applied');
    expect(room.awareness.getStates().get(aware.clientID)).toEqual({ cursor: 1, watching: false });
    expect(sent).toEqual(['connection']);
    expect(log.rooms.get('r')).toHaveLength(1);
    await settle();
    expect(lines.map((l) => l.err?.message).sort()).toEqual(['awarenessUpdate bug', 'docApplied bug', 'docUpdate bug']);
    room.destroy();
  });

  it('a saver whose appended listener throws still appends each update exactly once', async () => {
    const { logger } = capturingLogger();
    const log = new MemoryDocLog();
    const failing: SaverEvents = {
      appended: () => {
        throw new Error('metrics bug');
      },
    };
    const failures: string[] = [];
    const events = new Listeners<SaverEvents>(logger, 'doc saver', [failing, { failed: (op) => failures.push(op) }]);
    const saver = new DocSaver(
      'r',
      log,
      { compactEntries: 1000, compactBytes: 1 << 20, attempts: 4 },
      { entries: 0, bytes: 0 },
      logger,
      events,
    );
    const doc = new Y.Doc();
    doc.on('update', (u: Uint8Array) => saver.add(u));
    doc.getText('t').insert(0, 'once');
    expect(await saver.flush()).toBe(true);
    expect(log.appends).toBe(1);
    expect(log.rooms.get('r')).toHaveLength(1);
    expect(failures).toEqual([]);
  });
});
