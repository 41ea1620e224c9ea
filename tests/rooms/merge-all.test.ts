// mergeAll (shared/merge-all.ts) merges long lists in groups: it must give
// exactly what one Y.mergeUpdates call gives, for logs of any length with
// several writers, deletes, maps and a compacted base in front.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MERGE_GROUP, mergeAll } from '../../shared/merge-all.ts';

/** A log as a room stores it: a base from earlier, then each transaction of three editors. */
function log(transactions: number, seed: number): Uint8Array[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const editors = [1, 2, 3].map((id) => {
    const doc = new Y.Doc();
    doc.clientID = seed * 10 + id;
    return doc;
  });
  const updates: Uint8Array[] = [];
  for (const doc of editors) doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < transactions; i++) {
    const doc = editors[Math.floor(random() * editors.length)] as Y.Doc;
    const text = doc.getText('prompt');
    const roll = random();
    if (roll < 0.6 || text.length === 0) text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + (i % 26)));
    else if (roll < 0.85) text.delete(Math.floor(random() * text.length), 1);
    else doc.getMap('meta').set(`k${i % 5}`, i);
    // Editors hear each other now and then, so later edits depend on others' structs.
    if (random() < 0.3) {
      const [a, b] = [editors[Math.floor(random() * 3)] as Y.Doc, editors[Math.floor(random() * 3)] as Y.Doc];
      Y.applyUpdate(a, Y.encodeStateAsUpdate(b), 'sync');
    }
  }
  const split = Math.floor(updates.length / 3);
  return [Y.mergeUpdates(updates.slice(0, split)), ...updates.slice(split)];
}

describe('mergeAll', () => {
  it('gives what one Y.mergeUpdates gives, below, at and far past a group', () => {
    for (const [transactions, seed] of [
      [5, 1],
      [MERGE_GROUP + 1, 2],
      [MERGE_GROUP * 3 + 5, 3],
      [600, 4],
      [2_000, 5],
    ] as const) {
      const updates = log(transactions, seed);
      const merged = mergeAll(updates);
      const once = Y.mergeUpdates(updates);
      // The same document, state vector, structs and delete set, however the bytes are grouped.
      const [a, b] = [merged, once].map((update) => {
        const doc = new Y.Doc({ gc: false });
        Y.applyUpdate(doc, update);
        expect(doc.store.pendingStructs).toBeNull();
        expect(doc.store.pendingDs).toBeNull();
        return doc;
      }) as [Y.Doc, Y.Doc];
      expect(Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b))).toBe(true);
      expect(a.getText('prompt').toString()).toBe(b.getText('prompt').toString());
      expect(a.getMap('meta').toJSON()).toEqual(b.getMap('meta').toJSON());
      expect(Y.encodeStateVectorFromUpdate(merged)).toEqual(Y.encodeStateVectorFromUpdate(once));
      expect(merged.byteLength).toBeLessThanOrEqual(once.byteLength * 1.05);
    }
    expect(mergeAll([])).toEqual(Y.mergeUpdates([]));
  });
});
