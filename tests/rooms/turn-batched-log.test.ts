// A turn's appends from every room land in one commit, before the turn
// publishes; a failed commit fails every part of it, and each room's saver
// keeps its updates and tries again.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocSaver } from '../../server/rooms/persistence/doc-saver.ts';
import { TurnBatchedLog } from '../../server/rooms/persistence/turn-batched-log.ts';
import { TurnEnd } from '../../server/rooms/persistence/turn-end.ts';
import { MemoryDocLog } from '../helpers/memory-store.ts';
import { waitFor } from '../helpers/server.ts';

const logger = pino({ level: 'silent' });
const settings = { compactEntries: 1000, compactBytes: 1 << 20, attempts: 1 };
const fresh = { entries: 0, bytes: 0 };

function update(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('prompt').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('TurnBatchedLog', () => {
  it('commits every room’s appends of a turn at once, before the turn publishes', async () => {
    const memory = new MemoryDocLog();
    const turn = new TurnEnd((err) => {
      throw err;
    });
    const log = new TurnBatchedLog(memory, turn);
    const savers = ['a', 'b', 'c'].map((id) => new DocSaver(id, log, settings, fresh, logger, undefined, turn));
    let entriesAtPublish = -1;
    for (const [i, saver] of savers.entries()) saver.add(update(`room ${i}`));
    savers[0]!.add(update('second in room a'));
    turn.publish(() => (entriesAtPublish = [...memory.rooms.values()].reduce((n, list) => n + list.length, 0)));
    turn.run();
    expect(memory.batches).toBe(1);
    expect(entriesAtPublish).toBe(4);
    expect(memory.rooms.get('a')).toHaveLength(2);
    await Promise.all(savers.map((s) => s.flush()));
    expect(savers.every((s) => s.unsaved === 0)).toBe(true);
  });

  it('a failed commit leaves every room’s updates with its saver, and the next write stores them', async () => {
    const memory = new MemoryDocLog();
    const turn = new TurnEnd();
    const log = new TurnBatchedLog(memory, turn);
    const a = new DocSaver('a', log, settings, fresh, logger, undefined, turn);
    const b = new DocSaver('b', log, settings, fresh, logger, undefined, turn);
    memory.failing = true;
    a.add(update('kept a'));
    b.add(update('kept b'));
    turn.run();
    expect(memory.rooms.size).toBe(0);
    await waitFor(() => a.unsaved === 1 && b.unsaved === 1);
    memory.failing = false;
    expect(await a.flush()).toBe(true);
    expect(await b.flush()).toBe(true);
    expect(memory.rooms.get('a')).toHaveLength(1);
    expect(memory.rooms.get('b')).toHaveLength(1);
  });
});
