// What generation reads from and writes to a room's document: the shared
// prompt, the layers an edit starts from, and the candidates it adds.
import * as Y from 'yjs';
import { type Candidate, checkLayer, ROOTS } from '../../shared/doc-schema.ts';
import { AppError } from '../errors.ts';

export function roomPrompt(doc: Y.Doc): string {
  return doc.getText(ROOTS.prompt).toString();
}

/** The `src` of a valid layer with this id; `bad_request` when there is none. */
export function layerSrc(doc: Y.Doc, layerId: string, field: string): string {
  for (const value of doc.getArray<unknown>(ROOTS.layers)) {
    const checked = checkLayer(value);
    if (checked.ok && checked.layer.id === layerId) return checked.layer.src;
  }
  throw new AppError('bad_request', `${field}: no valid layer "${layerId}" in this room`);
}

/** Appends candidates, dropping the oldest beyond `max` so the document cannot grow without end. */
export function appendCandidates(doc: Y.Doc, candidates: readonly Candidate[], max: number): void {
  const list = doc.getArray<Y.Map<unknown>>(ROOTS.candidates);
  list.push(
    candidates.map((candidate) => {
      const map = new Y.Map<unknown>();
      for (const [key, value] of Object.entries(candidate)) map.set(key, value);
      return map;
    }),
  );
  const excess = list.length - max;
  if (excess > 0) list.delete(0, excess);
}
