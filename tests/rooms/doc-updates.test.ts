// DocUpdates (server/rooms/doc-updates.ts): a fresh update is applied without
// Yjs encoding it again and reported as itself, once, after its transaction;
// a transaction it sets off is reported by Yjs as usual; either way what was
// reported rebuilds the document exactly.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocUpdates } from '../../server/rooms/doc-updates.ts';
import type { UpdateOrigin } from '../../server/rooms/origin.ts';

const ORIGIN: UpdateOrigin = { source: 'connection', connectionId: 'c1', userId: 'u1' };

/** A client's edits, one update each. */
function edits(n: number, clientID: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getText('prompt').insert(i, 'x');
  return updates;
}

function rebuilt(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc.getText('prompt').toString();
}

describe('DocUpdates', () => {
  it('reports a fresh update as itself, once, with its origin, after the transaction, without Yjs encoding one', () => {
    const doc = new Y.Doc();
    const reported: Array<{ update: Uint8Array; origin: unknown; text: string }> = [];
    const updates = new DocUpdates(doc, (update, origin) => reported.push({ update, origin, text: doc.getText('prompt').toString() }));
    let encodedByYjs = 0;
    const [first, second] = edits(2, 7);
    updates.applyFresh(first!, ORIGIN);
    // Another listener makes Yjs encode: it hears the same transaction, our handler still once.
    const other = (u: Uint8Array) => {
      encodedByYjs++;
      expect(u.byteLength).toBeGreaterThan(0);
    };
    doc.on('update', other);
    updates.applyFresh(second!, ORIGIN);
    doc.off('update', other);
    expect(reported.map((r) => r.update)).toEqual([first, second]);
    expect(reported.map((r) => r.origin)).toEqual([ORIGIN, ORIGIN]);
    expect(reported.map((r) => r.text)).toEqual(['x', 'xx']);
    expect(encodedByYjs).toBe(1);
    // The listener is back for everything else.
    doc.getText('prompt').insert(0, 'y');
    expect(reported).toHaveLength(3);
    expect(rebuilt(reported.map((r) => r.update))).toBe('yxx');
    updates.dispose();
    doc.getText('prompt').insert(0, 'z');
    expect(reported).toHaveLength(3);
  });

  it("puts the doc's update listeners back as they were, and keeps one added while an update was applied", () => {
    const doc = new Y.Doc();
    const reported: Uint8Array[] = [];
    const updates = new DocUpdates(doc, (update) => reported.push(update));
    const observers = doc._observers as Map<string, Set<unknown>>;
    const listeners = observers.get('update');
    const [first, second, third] = edits(3, 11);
    updates.applyFresh(first!, ORIGIN);
    // The same set, not one made again per keystroke.
    expect(observers.get('update')).toBe(listeners);
    const late: Uint8Array[] = [];
    const addLate = () => {
      doc.off('afterTransaction', addLate);
      doc.on('update', (u: Uint8Array) => late.push(u));
    };
    doc.on('afterTransaction', addLate);
    updates.applyFresh(second!, ORIGIN);
    updates.applyFresh(third!, ORIGIN);
    expect(reported).toEqual([first, second, third]);
    // Added after the second's observers, before Yjs encodes: it hears the second (as Yjs encoded it) and the third.
    expect(late).toHaveLength(2);
    doc.getText('prompt').insert(0, 'y');
    expect(reported).toHaveLength(4);
    expect(late).toHaveLength(3);
    expect(rebuilt(reported)).toBe('yxxx');
  });

  it('lets Yjs report both transactions when applying one sets off another', () => {
    const doc = new Y.Doc();
    const reported: Array<{ update: Uint8Array; origin: unknown }> = [];
    const updates = new DocUpdates(doc, (update, origin) => reported.push({ update, origin }));
    // An observer that answers every participant change with one of the server's.
    const reply = { source: 'server', reason: 'test' } satisfies UpdateOrigin;
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin === ORIGIN) doc.transact(() => doc.getMap('meta').set('seen', doc.getText('prompt').length), reply);
    });
    for (const update of edits(3, 9)) updates.applyFresh(update, ORIGIN);
    expect(reported.map((r) => r.origin)).toEqual([ORIGIN, reply, ORIGIN, reply, ORIGIN, reply]);
    const copy = new Y.Doc();
    for (const { update } of reported) Y.applyUpdate(copy, update);
    expect(copy.getText('prompt').toString()).toBe('xxx');
    expect(copy.getMap('meta').get('seen')).toBe(3);
    // And afterwards a plain transaction is reported once, as before.
    doc.getText('prompt').insert(0, 'y');
    expect(reported).toHaveLength(7);
  });
});
