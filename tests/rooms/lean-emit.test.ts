// leanEmit (server/rooms/lean-emit.ts) keeps lib0's emit semantics on a Y.Doc:
// every listener hears each event once with its arguments, a listener added or
// removed while an event is emitted does not change who hears that event, and
// Yjs' own events and observers work as before.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { leanEmit } from '../../server/rooms/lean-emit.ts';

describe('leanEmit', () => {
  it('delivers what lib0 delivers, to the listeners registered when the event started', () => {
    for (const lean of [false, true]) {
      const doc = new Y.Doc();
      if (lean) leanEmit(doc);
      const heard: string[] = [];
      const late = () => heard.push('late');
      const once = () => heard.push('once');
      const second = () => heard.push('second');
      doc.on('afterTransaction', () => {
        heard.push('first');
        // Subscribed during the emit: hears the next one only; removed during it: still hears this one.
        doc.on('afterTransaction', late);
        doc.off('afterTransaction', second);
      });
      doc.on('afterTransaction', second);
      doc.once('afterTransaction', once);
      doc.getText('t').insert(0, 'a');
      doc.getText('t').insert(1, 'b');
      expect(heard).toEqual(['first', 'second', 'once', 'first', 'late']);
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      const observed: string[] = [];
      doc.getText('t').observe((event) => observed.push(JSON.stringify(event.delta)));
      doc.getText('t').insert(2, 'c');
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
      expect(copy.getText('t').toString()).toBe('abc');
      expect(updates).toHaveLength(1);
      expect(observed).toEqual(['[{"retain":2},{"insert":"c"}]']);
      doc.destroy();
    }
  });
});
