// Samples one room's document into making-of keyframes as it changes. It
// follows whole transactions (a transaction says which types it changed, so
// a keystroke costs a few lookups and a counter): placements and generations
// become frames at once; prompt typing and layer tweaks are coalesced into
// one frame per pause, or per TIMELINE_PROMPT_CHARS of typing. Only changes
// made on this node count (a participant here, or this server): a change
// relayed from another node is that node's to record.
import * as Y from 'yjs';
import { checkLayer, type Layer, ROOTS, topmostById } from '../../shared/doc-schema.ts';
import type { TimelineEvent } from '../../shared/timeline.ts';
import type { NewFrame } from '../store/timeline.ts';
import { asOrigin, type UpdateOrigin } from '../rooms/origin.ts';

export interface SamplerSettings {
  pauseMs: number;
  promptChars: number;
}

/** A frame as the sampler takes it: the store's frame before its room and work are known. */
export type SampledFrame = Omit<NewFrame, 'roomId' | 'workId'>;

/** Parts of the room a transaction changed, as bits: every transaction is looked at, so no Set per keystroke. */
const PROMPT = 1;
const LAYERS = 2;
const TRAY = 4;
/** A set of PROMPT, LAYERS and TRAY. */
type Parts = number;
type Coalesced = Extract<TimelineEvent, 'prompt' | 'layer'>;

interface Pending {
  event: Coalesced;
  /** Edits per actor: the frame is credited to whoever made most of them. */
  actors: Map<string | null, number>;
  lastAt: number;
  chars: number;
}

/** The origin of a change this node records, or null for one it does not. */
function recordedHere(origin: UpdateOrigin): { actorId: string | null; reason: string | null } | null {
  switch (origin.source) {
    case 'connection':
      return { actorId: origin.userId, reason: null };
    case 'server':
      return { actorId: origin.userId ?? null, reason: origin.reason };
    default:
      return null;
  }
}

export class RoomSampler {
  readonly #doc: Y.Doc;
  readonly #prompt: Y.Text;
  readonly #stack: Y.Array<unknown>;
  readonly #tray: Y.Array<unknown>;
  readonly #settings: SamplerSettings;
  readonly #emit: (frame: SampledFrame) => void;
  /** The state of the last frame recorded (or of the room when it loaded). */
  #last: { prompt: string; layers: Layer[] };
  /** Parts changed, by anyone, since the last frame. */
  #changed: Parts = 0;
  #pending: Pending | null = null;
  #timer: NodeJS.Timeout | null = null;
  #promptLength: number;
  #layerIds: Set<string>;
  #trayIds: Set<string>;
  /**
   * Each layer map's checked layer (null: not drawable), dropped when the map
   * changes: checking a layer costs tens of µs, and most frames are typing.
   */
  readonly #checked = new WeakMap<Y.Map<unknown>, Layer | null>();

  constructor(doc: Y.Doc, settings: SamplerSettings, emit: (frame: SampledFrame) => void) {
    this.#doc = doc;
    this.#prompt = doc.getText(ROOTS.prompt);
    this.#stack = doc.getArray(ROOTS.layers);
    this.#tray = doc.getArray(ROOTS.candidates);
    this.#settings = settings;
    this.#emit = emit;
    this.#last = { prompt: this.#prompt.toString(), layers: this.#readLayers() };
    this.#promptLength = this.#prompt.length;
    this.#layerIds = this.#readLayerIds();
    this.#trayIds = new Set(this.#readTray().keys());
    doc.on('afterTransaction', this.#onTransaction);
  }

  /** Records the frame being coalesced, if any, as the room is now. */
  flush(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#record(pending.event, topActor(pending.actors), this.#now(0), []);
  }

  dispose(): void {
    this.#doc.off('afterTransaction', this.#onTransaction);
    this.#clearTimer();
    this.#pending = null;
  }

  #onTransaction = (transaction: Y.Transaction): void => {
    const parts = this.#parts(transaction);
    if (parts === 0) return;
    const origin = recordedHere(asOrigin(transaction.origin));
    const changedBefore = this.#changed;
    this.#changed |= parts;
    const promptDelta = parts & PROMPT ? this.#promptDelta() : 0;
    const placed = parts & LAYERS && transaction.changed.has(this.#stack) ? this.#newLayerIds() : false;
    const images = parts & TRAY ? this.#newImages() : [];
    if (origin === null) return;

    if (placed) {
      this.#discrete('place', origin.actorId, parts, changedBefore, []);
      return;
    }
    // Job results reach the tray as the server's change, credited to whoever asked.
    if (images.length > 0 && origin.reason === 'gen:result') {
      this.#discrete('generate', origin.actorId, parts, changedBefore, images);
      return;
    }
    const event: Coalesced | null = parts & LAYERS ? 'layer' : parts & PROMPT ? 'prompt' : null;
    if (event === null) return;
    if (this.#pending && this.#pending.event !== event) this.#flushBefore(parts, changedBefore);
    const now = Date.now();
    const pending: Pending = this.#pending ?? { event, actors: new Map(), lastAt: now, chars: 0 };
    this.#pending = pending;
    pending.actors.set(origin.actorId, (pending.actors.get(origin.actorId) ?? 0) + 1);
    pending.lastAt = now;
    pending.chars += Math.max(1, promptDelta);
    if (event === 'prompt' && pending.chars >= this.#settings.promptChars) {
      this.flush();
      return;
    }
    this.#timer ??= setTimeout(this.#onTimer, this.#settings.pauseMs).unref();
  };

  /** A placement or a generation: whatever was being coalesced is recorded first, as it was just before. */
  #discrete(event: TimelineEvent, actorId: string | null, parts: Parts, changedBefore: Parts, images: string[]): void {
    if (this.#pending) this.#flushBefore(parts, changedBefore);
    this.#record(event, actorId, this.#now(0), images);
  }

  /**
   * Records the pending frame as the room was before the change that ends it:
   * a part that change touched, and nothing before it had since the last
   * frame, is taken from the last frame; the rest is read now.
   */
  #flushBefore(parts: Parts, changedBefore: Parts): void {
    const pending = this.#pending;
    if (!pending) return;
    const untouched = parts & ~changedBefore;
    this.#record(pending.event, topActor(pending.actors), this.#now(untouched), []);
    // The change that ended it is not in the frame just recorded.
    this.#changed |= parts;
  }

  #record(event: TimelineEvent, actorId: string | null, state: { prompt: string; layers: Layer[] }, images: string[]): void {
    this.#clearTimer();
    this.#pending = null;
    this.#changed = 0;
    this.#last = state;
    this.#emit({ at: new Date().toISOString(), event, actorId, prompt: state.prompt, layers: state.layers, images });
  }

  /** The room's state now, except the parts taken from the last frame. */
  #now(fromLast: Parts): { prompt: string; layers: Layer[] } {
    return {
      prompt: fromLast & PROMPT ? this.#last.prompt : this.#prompt.toString(),
      layers: fromLast & LAYERS ? this.#last.layers : this.#readLayers(),
    };
  }

  #onTimer = (): void => {
    this.#timer = null;
    const pending = this.#pending;
    if (!pending) return;
    const still = Date.now() - pending.lastAt;
    // Typing went on: wait for the rest of the pause after the last edit.
    if (still < this.#settings.pauseMs) this.#timer = setTimeout(this.#onTimer, this.#settings.pauseMs - still).unref();
    else this.flush();
  };

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #parts(transaction: Y.Transaction): Parts {
    let parts: Parts = 0;
    // Y.Text's event type narrows its generic, so it is compared as a value, not as a key of `changed`.
    const prompt: unknown = this.#prompt;
    for (const type of transaction.changed.keys()) {
      if (type === prompt) parts |= PROMPT;
      else if (type === this.#tray) parts |= TRAY;
      else if (type === this.#stack) parts |= LAYERS;
      else if (type._item?.parent === this.#stack) {
        parts |= LAYERS;
        if (type instanceof Y.Map) this.#checked.delete(type);
      }
    }
    return parts;
  }

  /** Characters the prompt grew or shrank by. */
  #promptDelta(): number {
    const length = this.#prompt.length;
    const delta = Math.abs(length - this.#promptLength);
    this.#promptLength = length;
    return delta;
  }

  /** Whether a layer id appeared in the stack (a move re-inserts an id already there: not a placement). */
  #newLayerIds(): boolean {
    const ids = this.#readLayerIds();
    const added = [...ids].some((id) => !this.#layerIds.has(id));
    this.#layerIds = ids;
    return added;
  }

  /** Images of candidates that just arrived on the tray. */
  #newImages(): string[] {
    const tray = this.#readTray();
    const images = [...tray].filter(([id]) => !this.#trayIds.has(id)).map(([, src]) => src);
    this.#trayIds = new Set(tray.keys());
    return images;
  }

  #readLayers(): Layer[] {
    const layers: Layer[] = [];
    // Every room is read as it loads, most of them empty: no iterator for nothing.
    if (this.#stack.length === 0) return layers;
    for (const entry of this.#stack) {
      if (!(entry instanceof Y.Map)) continue;
      let layer = this.#checked.get(entry);
      if (layer === undefined) {
        const checked = checkLayer(entry);
        // What the renderer would not draw is left out, as publishing does.
        layer = checked.ok ? checked.layer : null;
        this.#checked.set(entry, layer);
      }
      if (layer) layers.push(layer);
    }
    return topmostById(layers);
  }

  #readLayerIds(): Set<string> {
    const ids = new Set<string>();
    if (this.#stack.length === 0) return ids;
    for (const entry of this.#stack) {
      const id = entry instanceof Y.Map ? entry.get('id') : undefined;
      if (typeof id === 'string') ids.add(id);
    }
    return ids;
  }

  /** Candidate id → src. */
  #readTray(): Map<string, string> {
    const tray = new Map<string, string>();
    if (this.#tray.length === 0) return tray;
    for (const entry of this.#tray) {
      if (!(entry instanceof Y.Map)) continue;
      const id = entry.get('id');
      const src = entry.get('src');
      if (typeof id === 'string' && typeof src === 'string') tray.set(id, src);
    }
    return tray;
  }
}

function topActor(actors: Map<string | null, number>): string | null {
  let best: string | null = null;
  let most = 0;
  for (const [actor, edits] of actors) {
    if (edits > most) {
      best = actor;
      most = edits;
    }
  }
  return best;
}
