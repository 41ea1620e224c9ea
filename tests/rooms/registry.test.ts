import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { RoomRegistry } from '../../server/rooms/registry.ts';
import { MemoryDocLog, memoryRecords } from '../helpers/memory-store.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

const USER = { id: 'u1', name: 'Ann', color: '#000000' };

function registry(docLog = new MemoryDocLog(), graceMs = 20, logger = pino({ level: 'silent' })) {
  const reg = new RoomRegistry({
    docLog,
    records: memoryRecords(['room-1', 'room-2']),
    limits: { maxDocBytes: 1 << 20, maxAwarenessBytes: 1024, maxParticipantsPerRoom: 10, maxSpectatorsPerRoom: 10 },
    saver: { compactEntries: 1000, compactBytes: 1 << 20 },
    unloadGraceMs: graceMs,
    logger,
  });
  return { reg, docLog };
}

describe('RoomRegistry', () => {
  it('loads a room once however many joins arrive at the same time', async () => {
    const { reg, docLog } = registry();
    const rooms = await Promise.all(Array.from({ length: 20 }, () => reg.open('room-1')));
    expect(new Set(rooms).size).toBe(1);
    expect(docLog.loads).toBe(1);
    await expect(reg.open('unknown')).rejects.toMatchObject({ code: 'not_found' });
    await reg.close();
  });

  it('loads a room without reading its record again when the join just read it; a record of another room is not taken for it', async () => {
    const docLog = new MemoryDocLog();
    const records = memoryRecords(['room-1']);
    let reads = 0;
    const getRoom = records.getRoom.bind(records);
    records.getRoom = async (id) => {
      reads++;
      return getRoom(id);
    };
    const reg = new RoomRegistry({
      docLog,
      records,
      limits: { maxDocBytes: 1 << 20, maxAwarenessBytes: 1024, maxParticipantsPerRoom: 10, maxSpectatorsPerRoom: 10 },
      saver: { compactEntries: 1000, compactBytes: 1 << 20 },
      unloadGraceMs: 20,
      logger: pino({ level: 'silent' }),
    });
    const record = await records.getRoom('room-1');
    reads = 0;
    expect((await reg.open('room-1', record ?? undefined)).id).toBe('room-1');
    expect(reads).toBe(0);
    // The record of room-1 says nothing of room-2, which does not exist.
    await expect(reg.open('room-2', record ?? undefined)).rejects.toMatchObject({ code: 'not_found' });
    expect(reads).toBe(1);
    await reg.close();
  });

  it('sweeps every loaded room for presence not renewed in 30 s, every 3 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { reg } = registry();
      const room = await reg.open('room-1');
      room.join('c1', USER, 'editor', 'test');
      const aware = new awarenessProtocol.Awareness(new Y.Doc());
      aware.setLocalState({ cursor: 1 });
      room.handleAwareness('c1', awarenessProtocol.encodeAwarenessUpdate(aware, [aware.clientID]));
      aware.destroy();
      vi.advanceTimersByTime(3000);
      expect(room.awareness.getStates().has(aware.clientID)).toBe(true);
      room.awareness.meta.get(aware.clientID)!.lastUpdated = Date.now() - 30_000;
      vi.advanceTimersByTime(3000);
      expect(room.awareness.getStates().has(aware.clientID)).toBe(false);
      await reg.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('unloads an empty room after the grace period, having flushed its log', async () => {
    const { reg, docLog } = registry();
    const room = await reg.open('room-1');
    room.join('c1', USER, 'editor', 'test');
    room.transact((doc) => doc.getText('prompt').insert(0, 'saved before unload'), 'test');
    room.leave('c1');
    reg.release(room);
    expect(reg.get('room-1')).toBe(room);
    await waitFor(() => reg.get('room-1') === undefined);
    expect(room.destroyed).toBe(true);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.mergeUpdates(docLog.rooms.get('room-1')!));
    expect(doc.getText('prompt').toString()).toBe('saved before unload');
    // Loading again reads what was flushed.
    const again = await reg.open('room-1');
    expect(again).not.toBe(room);
    expect(again.doc.getText('prompt').toString()).toBe('saved before unload');
    await reg.close();
  });

  it('a join during the grace period or during the flush keeps the same room', async () => {
    const { reg } = registry(new MemoryDocLog(), 30);
    const room = await reg.open('room-1');
    reg.release(room);
    await new Promise((r) => setTimeout(r, 10));
    expect(await reg.open('room-1')).toBe(room);
    room.join('c1', USER, 'editor', 'test');
    // Another room released now, with the same grace: once it has unloaded, an unload of room-1 set off before
    // would have run too.
    const later = await reg.open('room-2');
    reg.release(later);
    await waitFor(() => later.destroyed, WAIT_BUDGET_MS, 'the room released later unloaded');
    expect(reg.get('room-1')).toBe(room);
    expect(room.destroyed).toBe(false);
    await reg.close();
  });

  it('keeps a room in memory while its log refuses writes, and unloads once it accepts them', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
    const { reg, docLog } = registry(new MemoryDocLog(), 10, logger);
    const room = await reg.open('room-1');
    docLog.failing = true;
    room.transact((doc) => doc.getText('prompt').insert(0, 'precious'), 'test');
    reg.release(room);
    // Said where the unload, its flush refused, decides to keep the room.
    await waitFor(() => warnings.includes('room kept in memory: log unavailable'), WAIT_BUDGET_MS, 'the unload given up');
    expect(reg.get('room-1')).toBe(room);
    expect(room.saver.unsaved).toBeGreaterThan(0);
    docLog.failing = false;
    await waitFor(() => reg.get('room-1') === undefined, 10_000);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.mergeUpdates(docLog.rooms.get('room-1')!));
    expect(doc.getText('prompt').toString()).toBe('precious');
  });

  it('close() flushes and unloads every room, and refuses new opens', async () => {
    const { reg, docLog } = registry(new MemoryDocLog(), 60_000);
    const a = await reg.open('room-1');
    const b = await reg.open('room-2');
    a.join('c1', USER, 'editor', 'test');
    a.transact((doc) => doc.getText('prompt').insert(0, 'a'), 'test');
    b.transact((doc) => doc.getText('prompt').insert(0, 'b'), 'test');
    await reg.close();
    expect(reg.size).toBe(0);
    expect(docLog.rooms.get('room-1')).toHaveLength(1);
    expect(docLog.rooms.get('room-2')).toHaveLength(1);
    await expect(reg.open('room-1')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
