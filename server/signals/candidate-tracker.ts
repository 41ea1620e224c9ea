// Which candidates people keep and which they throw away, read from every
// transaction on a room's document: a layer that appears showing a
// candidate's image places it; a candidate taken off the tray while no layer
// shows its image is discarded.
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { asOrigin } from '../rooms/origin.ts';

export interface CandidateRef {
  id: string;
  jobId: string;
  src: string;
}

export interface LayerRef {
  id: string;
  src: string;
  jobId: string | undefined;
}

export type Decision = { outcome: 'placed'; candidate: CandidateRef; layerId: string } | { outcome: 'discarded'; candidate: CandidateRef };

export type DecisionHandler = (decisions: Decision[], userId: string) => void;

/**
 * Follows one room's document. It listens to whole transactions rather than
 * to updates: a transaction says which types it changed, so the prompt's
 * keystrokes and layer drags cost one map lookup, and a placement (candidate
 * removed, layer added) is seen as the one step it is.
 */
export class CandidateTracker {
  readonly #doc: Y.Doc;
  readonly #tray: Y.Array<unknown>;
  readonly #stack: Y.Array<unknown>;
  readonly #onDecisions: DecisionHandler;
  #candidates: ReadonlyMap<string, CandidateRef>;
  /** Keyed by layerKey: a layer whose image changes counts as a new one. */
  #layers: ReadonlyMap<string, LayerRef>;

  constructor(doc: Y.Doc, onDecisions: DecisionHandler) {
    this.#doc = doc;
    this.#tray = doc.getArray(ROOTS.candidates);
    this.#stack = doc.getArray(ROOTS.layers);
    this.#onDecisions = onDecisions;
    ({ candidates: this.#candidates, layers: this.#layers } = readTray(doc));
    doc.on('afterTransaction', this.#onTransaction);
  }

  dispose(): void {
    this.#doc.off('afterTransaction', this.#onTransaction);
  }

  #onTransaction = (transaction: Y.Transaction): void => {
    const trayChanged = transaction.changed.has(this.#tray);
    const stackChanged = this.#stackChanged(transaction);
    if (!trayChanged && !stackChanged) return;
    const before = { candidates: this.#candidates, layers: this.#layers };
    if (trayChanged) this.#candidates = readCandidates(this.#tray);
    if (stackChanged) this.#layers = readLayers(this.#stack);
    const origin = asOrigin(transaction.origin);
    // Only people decide. The server adding or trimming candidates is not a
    // choice, and a change relayed from another node was recorded there.
    if (origin.source !== 'connection') return;
    const decisions = decide(before, { candidates: this.#candidates, layers: this.#layers });
    if (decisions.length > 0) this.#onDecisions(decisions, origin.userId);
  };

  /** Layers added, removed or moved, or a layer's image changed; not a drag or an opacity change. */
  #stackChanged(transaction: Y.Transaction): boolean {
    if (transaction.changed.has(this.#stack)) return true;
    for (const [type, keys] of transaction.changed) {
      if (type._item?.parent === this.#stack && (keys.has('src') || keys.has('jobId'))) return true;
    }
    return false;
  }
}

export interface TraySnapshot {
  candidates: ReadonlyMap<string, CandidateRef>;
  layers: ReadonlyMap<string, LayerRef>;
}

/** What people decided between two snapshots of one room. */
export function decide(before: TraySnapshot, after: TraySnapshot): Decision[] {
  const decisions: Decision[] = [];
  const placed = new Set<string>();
  // Placing usually takes the candidate off the tray in the same step: look on both trays.
  const known = [...before.candidates.values(), ...after.candidates.values()];
  for (const [key, layer] of after.layers) {
    if (before.layers.has(key)) continue;
    const candidate = known.find((c) => !placed.has(c.id) && shows(layer, c));
    if (!candidate) continue;
    placed.add(candidate.id);
    decisions.push({ outcome: 'placed', candidate, layerId: layer.id });
  }
  for (const [id, candidate] of before.candidates) {
    if (after.candidates.has(id) || placed.has(id)) continue;
    // Placed earlier and left on the tray: taking it off now is no rejection.
    if ([...after.layers.values()].some((layer) => shows(layer, candidate))) continue;
    decisions.push({ outcome: 'discarded', candidate });
  }
  return decisions;
}

/** Candidates on the tray that no layer shows: what a publish leaves behind. */
export function unplaced(tray: TraySnapshot): CandidateRef[] {
  const layers = [...tray.layers.values()];
  return [...tray.candidates.values()].filter((candidate) => !layers.some((layer) => shows(layer, candidate)));
}

/** The tray and the layers of a document, as the tracker reads them. */
export function readTray(doc: Y.Doc): TraySnapshot {
  return { candidates: readCandidates(doc.getArray(ROOTS.candidates)), layers: readLayers(doc.getArray(ROOTS.layers)) };
}

/** A layer shows a candidate when it has its image and, if it names a job, that candidate's job. */
function shows(layer: LayerRef, candidate: CandidateRef): boolean {
  return layer.src === candidate.src && (layer.jobId === undefined || layer.jobId === candidate.jobId);
}

const text = (map: Y.Map<unknown>, key: string): string | undefined => {
  const value = map.get(key);
  return typeof value === 'string' ? value : undefined;
};

function readCandidates(tray: Y.Array<unknown>): Map<string, CandidateRef> {
  const candidates = new Map<string, CandidateRef>();
  // Every room is read as it loads, most of them empty: no iterator for nothing.
  if (tray.length === 0) return candidates;
  for (const entry of tray) {
    if (!(entry instanceof Y.Map)) continue;
    const id = text(entry, 'id');
    const jobId = text(entry, 'jobId');
    const src = text(entry, 'src');
    if (id !== undefined && jobId !== undefined && src !== undefined) candidates.set(id, { id, jobId, src });
  }
  return candidates;
}

function readLayers(stack: Y.Array<unknown>): Map<string, LayerRef> {
  const layers = new Map<string, LayerRef>();
  if (stack.length === 0) return layers;
  for (const entry of stack) {
    if (!(entry instanceof Y.Map)) continue;
    const id = text(entry, 'id');
    const src = text(entry, 'src');
    if (id === undefined || src === undefined) continue;
    const layer = { id, src, jobId: text(entry, 'jobId') };
    layers.set(layerKey(layer), layer);
  }
  return layers;
}

const layerKey = (layer: LayerRef): string => `${layer.id}\u0000${layer.src}\u0000${layer.jobId ?? ''}`;
