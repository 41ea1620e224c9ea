// The fuzzer's replica comparison (scripts/fuzz/edits.ts snapshot): replicas
// that agree compare equal even when their maps list keys in different orders
// (a Y.Map lists keys in the order that replica first heard of them), and
// replicas that differ do not.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { snapshot } from '../../scripts/fuzz/edits.ts';
import { ROOTS } from '../../shared/doc-schema.ts';

function exchange(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
}

it('equal replicas compare equal whatever order their maps heard keys in; different ones do not', () => {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.getMap(ROOTS.meta).set('width', 1024);
  b.getMap(ROOTS.meta).set('height', 768);
  exchange(a, b);
  expect(Object.keys(a.getMap(ROOTS.meta).toJSON())).not.toEqual(Object.keys(b.getMap(ROOTS.meta).toJSON()));
  expect(snapshot(a)).toBe(snapshot(b));

  b.getMap(ROOTS.meta).set('height', 769);
  expect(snapshot(a)).not.toBe(snapshot(b));
  exchange(a, b);
  expect(snapshot(a)).toBe(snapshot(b));
});
