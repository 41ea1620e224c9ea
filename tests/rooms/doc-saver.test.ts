import pino from 'pino';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocSaver } from '../../server/rooms/persistence/doc-saver.ts';
import { MemoryDocLog } from '../helpers/memory-store.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

const logger = pino({ level: 'silent' });

function updates(n: number): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < n; i++) doc.getText('t').insert(i, 'x');
  return out;
}

describe('DocSaver', () => {
  it('appends everything added in one event-loop turn as one batch, without waiting longer', async () => {
    const log = new MemoryDocLog();
    const saver = new DocSaver('r', log, { compactEntries: 1000, compactBytes: 1 << 20 }, { entries: 0, bytes: 0 }, logger);
    for (const u of updates(10)) saver.add(u);
    expect(log.appends).toBe(0);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(log.appends).toBe(1);
    expect(log.rooms.get('r')).toHaveLength(10);
    for (const u of updates(3)) saver.add(u);
    expect(await saver.flush()).toBe(true);
    expect(log.appends).toBe(2);
  });

  it('compacts once the log passes the entry threshold, and again only after as many more', async () => {
    const log = new MemoryDocLog();
    const saver = new DocSaver('r', log, { compactEntries: 5, compactBytes: 1 << 20, jitter: 0 }, { entries: 0, bytes: 0 }, logger);
    const all = updates(12);
    for (const u of all.slice(0, 4)) saver.add(u);
    await saver.flush();
    expect(log.compactions).toBe(0);
    saver.add(all[4]!);
    await saver.flush();
    expect(log.compactions).toBe(1);
    expect(log.rooms.get('r')).toHaveLength(1);
    for (const u of all.slice(5, 9)) {
      saver.add(u);
      await saver.flush();
    }
    expect(log.compactions).toBe(1);
    saver.add(all[9]!);
    await saver.flush();
    expect(log.compactions).toBe(2);
  });

  it('keeps appending while a slow compaction runs', async () => {
    const log = new MemoryDocLog();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compact = log.compact.bind(log);
    log.compact = async (roomId) => {
      await gate;
      return compact(roomId);
    };
    const saver = new DocSaver('r', log, { compactEntries: 3, compactBytes: 1 << 20, jitter: 0 }, { entries: 0, bytes: 0 }, logger);
    const all = updates(6);
    for (const u of all.slice(0, 3)) saver.add(u);
    // Appended at the end of the turn (turn-end.ts), in one batch.
    await waitFor(() => log.appends === 1, WAIT_BUDGET_MS, 'the first batch');
    for (const u of all.slice(3)) saver.add(u);
    await waitFor(() => log.appends === 2, WAIT_BUDGET_MS, 'the second batch');
    // The compaction is still waiting, and the second batch is in the log anyway.
    expect(log.appends).toBe(2);
    expect(log.compactions).toBe(0);
    release();
    expect(await saver.flush()).toBe(true);
    expect(log.compactions).toBe(1);
  });

  it('compacts past the byte threshold too, counting a loaded log', async () => {
    const log = new MemoryDocLog();
    const all = updates(3);
    await log.append('r', all);
    const bytes = all.reduce((s, u) => s + u.byteLength, 0);
    const saver = new DocSaver('r', log, { compactEntries: 1000, compactBytes: bytes + 1, jitter: 0 }, { entries: 3, bytes }, logger);
    saver.add(updates(1)[0]!);
    await saver.flush();
    expect(log.compactions).toBe(1);
  });

  it('keeps updates the log refused and writes them with the next flush', async () => {
    const log = new MemoryDocLog();
    log.failing = true;
    const saver = new DocSaver('r', log, { compactEntries: 1000, compactBytes: 1 << 20, attempts: 2 }, { entries: 0, bytes: 0 }, logger);
    const all = updates(4);
    saver.add(all[0]!);
    saver.add(all[1]!);
    expect(await saver.flush()).toBe(false);
    expect(saver.unsaved).toBe(2);
    saver.add(all[2]!);
    log.failing = false;
    saver.add(all[3]!);
    expect(await saver.flush()).toBe(true);
    expect(saver.unsaved).toBe(0);
    const doc = new Y.Doc();
    for (const u of log.rooms.get('r')!) Y.applyUpdate(doc, u);
    expect(doc.getText('t').toString()).toBe('xxxx');
  });
});
