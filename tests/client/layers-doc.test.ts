// The layer operations on a real Y.Doc: placement, order, moves, candidates,
// concurrent duplicates, and undo that only takes back one's own changes.
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import {
  addLayer,
  discardCandidate,
  fittedLayer,
  layersOf,
  moveLayer,
  placeCandidate,
  readCandidates,
  readLayers,
  removeLayer,
  updateLayer,
} from '../../client/doc/layers.ts';
import { LOCAL_ORIGIN } from '../../client/doc/local-origin.ts';

const SRC = (n: number) => `/media/${String(n).repeat(64).slice(0, 64)}.png`;
const canvas = { width: 1024, height: 1024 };

function layer(n: number) {
  return fittedLayer({ name: `L${n}`, src: SRC(n), width: 256, height: 256, createdBy: 'u1' }, canvas);
}

function ids(doc: Y.Doc): string[] {
  return readLayers(doc).map((l) => (l.valid ? l.layer.name : `!${l.id}`));
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('layer operations', () => {
  test('a new layer is fitted and centred: (x, y) is the scaled top-left', () => {
    const small = fittedLayer({ name: 'a', src: SRC(1), width: 256, height: 128, createdBy: 'u' }, canvas);
    expect(small).toMatchObject({ x: 384, y: 448, scale: 1, rotation: 0, opacity: 1, blend: 'normal', visible: true });
    const big = fittedLayer({ name: 'b', src: SRC(2), width: 2048, height: 1024, createdBy: 'u' }, canvas);
    expect(big).toMatchObject({ scale: 0.5, x: 0, y: 256 });
  });

  test('add, update, move and remove keep a valid bottom-first stack', () => {
    const doc = new Y.Doc();
    const [a, b, c] = [layer(1), layer(2), layer(3)];
    for (const l of [a, b, c]) addLayer(doc, l, LOCAL_ORIGIN);
    expect(ids(doc)).toEqual(['L1', 'L2', 'L3']);
    updateLayer(doc, b.id, { opacity: 0.4, blend: 'multiply', name: 'middle' }, LOCAL_ORIGIN);
    const middle = readLayers(doc)[1]!;
    expect(middle.valid && middle.layer).toMatchObject({ opacity: 0.4, blend: 'multiply', name: 'middle' });
    moveLayer(doc, a.id, 2, LOCAL_ORIGIN);
    expect(ids(doc)).toEqual(['middle', 'L3', 'L1']);
    moveLayer(doc, a.id, 0, LOCAL_ORIGIN);
    expect(ids(doc)).toEqual(['L1', 'middle', 'L3']);
    // The moved layer kept every field.
    const moved = readLayers(doc)[0]!;
    expect(moved.valid && moved.layer).toEqual(a);
    removeLayer(doc, c.id, LOCAL_ORIGIN);
    expect(ids(doc)).toEqual(['L1', 'middle']);
  });

  test('invalid entries are listed but flagged', () => {
    const doc = new Y.Doc();
    addLayer(doc, layer(1), LOCAL_ORIGIN);
    const bad = new Y.Map<unknown>();
    bad.set('id', 'bad');
    bad.set('name', 'evil');
    bad.set('src', 'https://elsewhere.example/x.png');
    layersOf(doc).push([bad]);
    const [ok, broken] = readLayers(doc);
    expect(ok!.valid).toBe(true);
    expect(broken).toMatchObject({ valid: false, id: 'bad', name: 'evil' });
  });

  test('two people moving the same layer at once end with one copy, the upper one', () => {
    const one = new Y.Doc();
    const two = new Y.Doc();
    const [a, b, c] = [layer(1), layer(2), layer(3)];
    for (const l of [a, b, c]) addLayer(one, l, LOCAL_ORIGIN);
    sync(one, two);
    moveLayer(one, a.id, 2, LOCAL_ORIGIN);
    moveLayer(two, a.id, 1, LOCAL_ORIGIN);
    sync(one, two);
    expect(ids(one)).toEqual(ids(two));
    expect(ids(one).filter((n) => n === 'L1')).toHaveLength(1);
  });

  test('placing a candidate makes it the top layer and empties the tray in one step', () => {
    const doc = new Y.Doc();
    const map = new Y.Map<unknown>();
    const fields = {
      id: 'c1',
      src: SRC(9),
      width: 512,
      height: 512,
      jobId: 'j1',
      prompt: 'a quiet harbour at dawn with boats',
      seed: 3,
      provider: 'local',
      model: 'procedural-v1',
      createdBy: 'u2',
    };
    for (const [k, v] of Object.entries(fields)) map.set(k, v);
    doc.getArray(ROOTS.candidates).push([map]);
    expect(readCandidates(doc)).toHaveLength(1);
    const undo = new Y.UndoManager([doc.getArray(ROOTS.layers), doc.getArray(ROOTS.candidates)], {
      trackedOrigins: new Set([LOCAL_ORIGIN]),
    });
    const id = placeCandidate(doc, 'c1', canvas, 'u1', LOCAL_ORIGIN);
    const top = readLayers(doc).at(-1)!;
    expect(top.valid && top.layer).toMatchObject({
      id,
      src: SRC(9),
      jobId: 'j1',
      createdBy: 'u1',
      name: 'a quiet harbour at dawn with…',
      x: 256,
      y: 256,
      scale: 1,
    });
    expect(readCandidates(doc)).toHaveLength(0);
    undo.undo();
    expect(readLayers(doc)).toHaveLength(0);
    expect(readCandidates(doc)).toHaveLength(1);
    discardCandidate(doc, 'c1', LOCAL_ORIGIN);
    expect(readCandidates(doc)).toHaveLength(0);
  });

  test("undo takes back my changes only, not someone else's", () => {
    const mine = new Y.Doc();
    const theirs = new Y.Doc();
    const a = layer(1);
    addLayer(mine, a, LOCAL_ORIGIN);
    sync(mine, theirs);
    const undo = new Y.UndoManager([mine.getArray(ROOTS.layers)], { trackedOrigins: new Set([LOCAL_ORIGIN]) });
    undo.stopCapturing();
    updateLayer(mine, a.id, { opacity: 0.5 }, LOCAL_ORIGIN);
    // Someone else renames it; their update arrives with another origin.
    updateLayer(theirs, a.id, { name: 'theirs' }, 'them');
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(theirs, Y.encodeStateVector(mine)), 'provider');
    undo.undo();
    const after = readLayers(mine)[0]!;
    expect(after.valid && after.layer).toMatchObject({ opacity: 1, name: 'theirs' });
    // Their rename never entered my history.
    expect(undo.canUndo()).toBe(false);
  });
});
