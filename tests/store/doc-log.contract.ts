// The contract every DocLog implementation must pass (SQLite, PostgreSQL).
// A backend may be opened several times, like several nodes sharing one database.
import { describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import type { DocLog } from '../../server/store/doc-log.ts';

export interface DocLogHandle {
  docLog: DocLog;
  close(): Promise<void>;
}

export interface DocLogBackend {
  open(): Promise<DocLogHandle>;
  destroy(): Promise<void>;
}

/** Independent edits from one client, each as its own update. */
function typing(text: string, clientId: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const t = doc.getText('prompt');
  for (const ch of text) t.insert(t.length, ch);
  return { doc, updates };
}

function textOf(update: Uint8Array | null): string {
  const doc = new Y.Doc();
  if (update) Y.applyUpdate(doc, update);
  return doc.getText('prompt').toString();
}

export function docLogContract(name: string, createBackend: () => Promise<DocLogBackend>): void {
  describe(`DocLog contract: ${name}`, () => {
    async function open(): Promise<{ backend: DocLogBackend; log: DocLog; another(): Promise<DocLog> }> {
      const backend = await createBackend();
      const handles: DocLogHandle[] = [];
      onTestFinished(async () => {
        for (const h of handles) await h.close();
        await backend.destroy();
      });
      const another = async () => {
        const h = await backend.open();
        handles.push(h);
        return h.docLog;
      };
      return { backend, log: await another(), another };
    }

    it('an unknown room loads as an empty log', async () => {
      const { log } = await open();
      expect(await log.load('nobody-here')).toMatchObject({ update: null, entries: 0, bytes: 0 });
      expect((await log.load('nobody-here')).claims ?? []).toEqual([]);
    });

    it('appends in order and loads one merged update; rooms are isolated', async () => {
      const { log } = await open();
      const a = typing('hello', 1);
      const b = typing('other room', 2);
      await log.append('room-a', a.updates.slice(0, 2));
      await log.append('room-a', a.updates.slice(2));
      await log.append('room-b', b.updates);
      await log.append('room-b', []);
      const loaded = await log.load('room-a');
      expect(loaded.entries).toBe(5);
      expect(loaded.bytes).toBe(a.updates.reduce((s, u) => s + u.byteLength, 0));
      expect(textOf(loaded.update)).toBe('hello');
      expect(textOf((await log.load('room-b')).update)).toBe('other room');
    });

    it('appendMany appends to several rooms in one go, in order', async () => {
      const { log } = await open();
      const a = typing('one commit', 11);
      const b = typing('for both', 12);
      await log.appendMany([]);
      await log.appendMany([
        { roomId: 'room-a', updates: a.updates.slice(0, 4) },
        { roomId: 'room-b', updates: b.updates },
        { roomId: 'room-c', updates: [] },
        { roomId: 'room-a', updates: a.updates.slice(4) },
      ]);
      expect(textOf((await log.load('room-a')).update)).toBe('one commit');
      expect((await log.load('room-a')).entries).toBe(a.updates.length);
      expect(textOf((await log.load('room-b')).update)).toBe('for both');
      expect(await log.load('room-c')).toMatchObject({ update: null, entries: 0, bytes: 0 });
      // Appends after it land after it: compaction and loads see one history.
      const more = typing('!', 11);
      await log.append('room-a', more.updates);
      expect((await log.load('room-a')).entries).toBe(a.updates.length + 1);
    });

    it('keeps binary payloads exactly', async () => {
      const { log } = await open();
      const { updates } = typing('x', 7);
      const all = new Uint8Array(256).map((_, i) => i);
      const doc = new Y.Doc();
      doc.getMap('meta').set('bytes', all);
      const binary = Y.encodeStateAsUpdate(doc);
      await log.append('r', [binary]);
      const loaded = await log.load('r');
      expect(loaded.entries).toBe(1);
      expect(Buffer.from(loaded.update!)).toEqual(Buffer.from(binary));
      await log.append('r', updates);
      const back = new Y.Doc();
      Y.applyUpdate(back, (await log.load('r')).update!);
      expect(back.getMap('meta').get('bytes')).toEqual(all);
    });

    it('compaction merges every entry into one with the same content', async () => {
      const { log } = await open();
      const { doc, updates } = typing('compact me please', 3);
      await log.append('r', updates);
      const result = await log.compact('r');
      expect(result.merged).toBe(updates.length);
      expect(result.bytesAfter).toBeGreaterThan(0);
      const loaded = await log.load('r');
      expect(loaded.entries).toBe(1);
      expect(loaded.bytes).toBe(result.bytesAfter);
      expect(textOf(loaded.update)).toBe(doc.getText('prompt').toString());
      // Nothing to do the second time.
      expect((await log.compact('r')).merged).toBe(0);
    });

    it('compaction does not lose updates appended while it runs', async () => {
      const { log, another } = await open();
      const writer = await another();
      const first = typing('first part ', 4);
      const second = typing('second part', 5);
      await log.append('r', first.updates);
      // Start compacting and, without waiting, append from another handle.
      const compaction = log.compact('r');
      const appends = Promise.all(second.updates.map((u) => writer.append('r', [u])));
      await Promise.all([compaction, appends]);
      const text = textOf((await log.load('r')).update);
      expect(text).toContain('first part ');
      expect(text).toContain('second part');
      expect(text.length).toBe('first part second part'.length);
    });

    it('two nodes compacting at once lose nothing', async () => {
      const { log, another } = await open();
      const other = await another();
      const clients = [10, 11, 12, 13].map((id) => typing(`client ${id};`, id));
      for (const c of clients) await log.append('r', c.updates);
      const extra = typing('late', 20);
      await Promise.all([log.compact('r'), other.compact('r'), other.append('r', extra.updates), log.compact('r')]);
      const loaded = await log.load('r');
      const merged = new Y.Doc();
      Y.applyUpdate(merged, loaded.update!);
      const expected = new Y.Doc();
      for (const c of [...clients, extra]) for (const u of c.updates) Y.applyUpdate(expected, u);
      expect(merged.getText('prompt').toString()).toBe(expected.getText('prompt').toString());
      expect(Y.encodeStateVector(merged)).toEqual(Y.encodeStateVector(expected));
    });

    it('remove deletes one room and nothing else', async () => {
      const { log } = await open();
      await log.append('gone', typing('bye', 1).updates);
      await log.append('kept', typing('hi', 2).updates);
      await log.remove('gone');
      expect((await log.load('gone')).update).toBeNull();
      expect(textOf((await log.load('kept')).update)).toBe('hi');
    });

    it('client id claims land with their append, the first claim stands, on every node; remove clears them', async () => {
      const { log, another } = await open();
      const a = typing('ab', 0xffff_fff0);
      await log.append('claimed', a.updates.slice(0, 1), [{ clientId: 0xffff_fff0, userId: 'user-a' }]);
      const other = await another();
      // Another node's later claim of the same id changes nothing; its new one lands.
      await other.appendMany([
        {
          roomId: 'claimed',
          updates: a.updates.slice(1),
          claims: [
            { clientId: 0xffff_fff0, userId: 'user-b' },
            { clientId: 7, userId: 'user-b' },
          ],
        },
        { roomId: 'elsewhere', updates: a.updates.slice(0, 1), claims: [{ clientId: 0xffff_fff0, userId: 'user-c' }] },
      ]);
      const byId = (claims: { clientId: number; userId: string }[]) => Object.fromEntries(claims.map((c) => [c.clientId, c.userId]));
      expect(byId(await other.claims('claimed'))).toEqual({ 4294967280: 'user-a', 7: 'user-b' });
      expect(byId(await log.claims('elsewhere'))).toEqual({ 4294967280: 'user-c' });
      const loaded = await log.load('claimed');
      expect(textOf(loaded.update)).toBe('ab');
      // A store that reads the claims with the log gives the same ones.
      if (loaded.claims) expect(byId(loaded.claims)).toEqual({ 4294967280: 'user-a', 7: 'user-b' });
      await log.remove('claimed');
      expect(await log.claims('claimed')).toEqual([]);
      expect(await log.claims('elsewhere')).toHaveLength(1);
    });
  });
}
