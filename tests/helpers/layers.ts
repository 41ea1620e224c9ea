// One layer fixture for every test that places layers, so the defaults a
// fresh layer gets are written once and a new Layer field is added in one place.
import * as Y from 'yjs';
import { type Layer, ROOTS } from '../../shared/doc-schema.ts';

/** A valid layer: visible, opaque, unplaced, named after its id; `fields` override any of it. */
export function testLayer(fields: Pick<Layer, 'id'> & Partial<Layer>): Layer {
  return {
    name: fields.id,
    src: `/media/${'a'.repeat(64)}.png`,
    visible: true,
    opacity: 1,
    blend: 'normal',
    x: 0,
    y: 0,
    scale: 1,
    rotation: 0,
    createdBy: 'test',
    ...fields,
  };
}

/** Appends a layer to the document's stack (bottom-first) as the Y.Map clients write; fields are taken as given, valid or not. */
export function pushLayer(doc: Y.Doc, fields: Readonly<Record<string, unknown>>): void {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) map.set(key, value);
  doc.getArray<Y.Map<unknown>>(ROOTS.layers).push([map]);
}
