// What an honest participant does in a room, as the web client does it:
// types into the prompt, adds and moves layers, moves its cursor. Used by the
// recorder (to record real traffic) and by the fuzzer's honest participants.
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Random } from './random.ts';

/** Past this length the prompt's start is trimmed, so a long run keeps a bounded document. */
const MAX_PROMPT_CHARS = 4000;
const MAX_LAYERS = 12;
const BLENDS = ['normal', 'multiply', 'screen', 'overlay', 'darken'] as const;
const SRC = `/media/${'ab'.repeat(32)}.png`;

/** Markers let others recognise an edit when it arrives: `«name:n»`. */
export const MARKER = /«([a-z0-9-]+:\d+)»/g;

/**
 * Types `text` at the start or the end of the prompt (never inside someone
 * else's marker, so it stays recognisable), trimming the start when long.
 */
export function type(doc: Y.Doc, random: Random, text: string): void {
  const prompt = doc.getText(ROOTS.prompt);
  doc.transact(() => {
    if (prompt.length > MAX_PROMPT_CHARS) prompt.delete(0, prompt.length - MAX_PROMPT_CHARS / 2);
    prompt.insert(random.chance(0.7) ? prompt.length : 0, text);
  });
}

/** Adds a layer, or moves, fades or removes one. */
export function editLayers(doc: Y.Doc, random: Random, author: string): void {
  const layers = doc.getArray<Y.Map<unknown>>(ROOTS.layers);
  if (layers.length === 0 || (layers.length < MAX_LAYERS && random.chance(0.2))) {
    const layer = new Y.Map<unknown>();
    const id = `layer-${author}-${random.int(0, 1e9)}`;
    for (const [key, value] of Object.entries({
      id,
      name: `Layer ${layers.length + 1}`,
      src: SRC,
      visible: true,
      opacity: 1,
      blend: random.pick(BLENDS),
      x: random.int(0, 800),
      y: random.int(0, 800),
      scale: 1,
      rotation: 0,
      createdBy: author,
    })) {
      layer.set(key, value);
    }
    layers.push([layer]);
    return;
  }
  const index = random.int(0, layers.length - 1);
  if (layers.length >= MAX_LAYERS && random.chance(0.3)) {
    layers.delete(index, 1);
    return;
  }
  const layer: unknown = layers.get(index);
  // Anyone may have put something else in the array (the server ignores such entries; so do we).
  if (!(layer instanceof Y.Map)) return;
  doc.transact(() => {
    // Dragging: a few position updates in a row, as pointer moves are.
    layer.set('x', (Number(layer.get('x')) || 0) + random.int(-20, 20));
    layer.set('y', (Number(layer.get('y')) || 0) + random.int(-20, 20));
    if (random.chance(0.2)) layer.set('opacity', Math.round(random.next() * 100) / 100);
  });
}

/** Moves the local cursor in the prompt, and now and then the selected layer. */
export function moveCursor(awareness: Awareness, doc: Y.Doc, random: Random): void {
  const prompt = doc.getText(ROOTS.prompt);
  const at = random.int(0, prompt.length);
  const anchor = Y.createRelativePositionFromTypeIndex(prompt, at);
  awareness.setLocalStateField('cursor', { anchor: Y.relativePositionToJSON(anchor), head: Y.relativePositionToJSON(anchor) });
  awareness.setLocalStateField('typing', random.chance(0.5));
  if (random.chance(0.2)) {
    const layers = doc.getArray<Y.Map<unknown>>(ROOTS.layers);
    const layer: unknown = layers.length > 0 ? layers.get(random.int(0, layers.length - 1)) : null;
    awareness.setLocalStateField('layerId', layer instanceof Y.Map ? String(layer.get('id')) : null);
  }
}

/** What a room holds, comparably: the prompt, the layers and the state vector. */
export function snapshot(doc: Y.Doc): string {
  return canonical({
    prompt: doc.getText(ROOTS.prompt).toString(),
    layers: doc.getArray(ROOTS.layers).toJSON(),
    candidates: doc.getArray(ROOTS.candidates).toJSON(),
    meta: doc.getMap(ROOTS.meta).toJSON(),
    // Sorted: replicas list clients in the order they first heard of them.
    stateVector: [...doc.store.clients.keys()].sort((a, b) => a - b).map((client) => [client, Y.getState(doc.store, client)]),
  });
}

/**
 * JSON with every object's keys sorted: a Y.Map lists its keys in the order
 * this replica first heard of them, which differs between replicas that agree.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
