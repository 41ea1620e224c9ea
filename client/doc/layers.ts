// Reading and changing the room's layer stack and candidates. Every change runs
// in one transaction with the caller's origin, so undo sees it as one step.
import * as Y from 'yjs';
import { type Candidate, candidateSchema, checkLayer, type Layer, ROOTS, SCALE_LIMITS, topmostById } from '../../shared/doc-schema.ts';
import { clipText, shownOrNone } from '../../shared/text.ts';

/** One entry of `layers`, valid or not (invalid ones are listed, never drawn). */
export type LayerEntry =
  | { index: number; id: string; valid: true; layer: Layer }
  | { index: number; id: string; valid: false; reason: string; name: string };

export type LayerPatch = Partial<Pick<Layer, 'name' | 'visible' | 'opacity' | 'blend' | 'x' | 'y' | 'scale' | 'rotation'>>;

export function layersOf(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(ROOTS.layers);
}

export function candidatesOf(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(ROOTS.candidates);
}

/** The stack, bottom first, one entry per layer id (topmostById). */
export function readLayers(doc: Y.Doc): LayerEntry[] {
  const entries: LayerEntry[] = [];
  layersOf(doc).forEach((map, index) => {
    const check = checkLayer(map);
    if (check.ok) entries.push({ index, id: check.layer.id, valid: true, layer: check.layer });
    else {
      const raw = map instanceof Y.Map ? map.get('name') : undefined;
      const name = typeof raw === 'string' ? shownOrNone(raw, 'line') : '';
      entries.push({ index, id: check.id, valid: false, reason: check.reason, name });
    }
  });
  return topmostById(entries);
}

export function readCandidates(doc: Y.Doc): Candidate[] {
  const out: Candidate[] = [];
  candidatesOf(doc).forEach((map) => {
    const parsed = candidateSchema.safeParse(map instanceof Y.Map ? map.toJSON() : map);
    if (parsed.success) out.push(parsed.data);
  });
  return out;
}

function indexOfLayer(doc: Y.Doc, id: string): number {
  let found = -1;
  layersOf(doc).forEach((map, index) => {
    if (map instanceof Y.Map && map.get('id') === id) found = index;
  });
  return found;
}

function newId(): string {
  return crypto.randomUUID();
}

export interface NewLayer {
  name: string;
  src: string;
  width: number;
  height: number;
  createdBy: string;
  jobId?: string;
}

/** The fields of a new layer fitted to the canvas and centred on it. */
export function fittedLayer(input: NewLayer, canvas: { width: number; height: number }): Layer {
  const fit = Math.max(SCALE_LIMITS.min, Math.min(1, canvas.width / input.width, canvas.height / input.height));
  const layer: Layer = {
    id: newId(),
    name: clipText(input.name, 120),
    src: input.src,
    visible: true,
    opacity: 1,
    blend: 'normal',
    // (x, y) is the top-left of the scaled image.
    x: Math.round((canvas.width - input.width * fit) / 2),
    y: Math.round((canvas.height - input.height * fit) / 2),
    scale: fit,
    rotation: 0,
    createdBy: input.createdBy,
  };
  if (input.jobId) layer.jobId = input.jobId;
  return layer;
}

function toMap(layer: Layer): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(layer)) if (value !== undefined) map.set(key, value);
  return map;
}

/** Adds a layer on top of the stack; returns its id. */
export function addLayer(doc: Y.Doc, layer: Layer, origin: unknown): string {
  doc.transact(() => layersOf(doc).push([toMap(layer)]), origin);
  return layer.id;
}

export function updateLayer(doc: Y.Doc, id: string, patch: LayerPatch, origin: unknown): void {
  const index = indexOfLayer(doc, id);
  if (index < 0) return;
  const map = layersOf(doc).get(index);
  doc.transact(() => {
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined && map.get(key) !== value) map.set(key, value);
    }
  }, origin);
}

export function removeLayer(doc: Y.Doc, id: string, origin: unknown): void {
  const index = indexOfLayer(doc, id);
  if (index < 0) return;
  doc.transact(() => layersOf(doc).delete(index, 1), origin);
}

/**
 * Moves a layer to `toIndex` in the bottom-first stack (the index it has once
 * moved). Yjs arrays cannot move an item, so the layer is re-inserted as a copy.
 */
export function moveLayer(doc: Y.Doc, id: string, toIndex: number, origin: unknown): void {
  const layers = layersOf(doc);
  const from = indexOfLayer(doc, id);
  if (from < 0) return;
  const target = Math.max(0, Math.min(layers.length - 1, toIndex));
  if (target === from) return;
  doc.transact(() => {
    const copy = new Y.Map<unknown>();
    for (const [key, value] of layers.get(from).entries()) copy.set(key, value);
    layers.delete(from, 1);
    layers.insert(target, [copy]);
  }, origin);
}

/** Turns a candidate into the top layer and takes it off the tray, in one step. */
export function placeCandidate(
  doc: Y.Doc,
  candidateId: string,
  canvas: { width: number; height: number },
  createdBy: string,
  origin: unknown,
): string | null {
  const candidates = candidatesOf(doc);
  let index = -1;
  candidates.forEach((map, i) => {
    if (map instanceof Y.Map && map.get('id') === candidateId) index = i;
  });
  if (index < 0) return null;
  const parsed = candidateSchema.safeParse(candidates.get(index).toJSON());
  if (!parsed.success) return null;
  const candidate = parsed.data;
  const layer = fittedLayer(
    {
      name: layerName(candidate.prompt),
      src: candidate.src,
      width: candidate.width,
      height: candidate.height,
      createdBy,
      jobId: candidate.jobId,
    },
    canvas,
  );
  doc.transact(() => {
    candidates.delete(index, 1);
    layersOf(doc).push([toMap(layer)]);
  }, origin);
  return layer.id;
}

export function discardCandidate(doc: Y.Doc, candidateId: string, origin: unknown): void {
  const candidates = candidatesOf(doc);
  doc.transact(() => {
    for (let i = candidates.length - 1; i >= 0; i--) {
      const map = candidates.get(i);
      if (map instanceof Y.Map && map.get('id') === candidateId) candidates.delete(i, 1);
    }
  }, origin);
}

/** A short layer name from a prompt: its first words. */
export function layerName(prompt: string): string {
  const words = prompt.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 'Generated image';
  const name = words.slice(0, 6).join(' ');
  return words.length > 6 ? `${name}…` : name;
}
