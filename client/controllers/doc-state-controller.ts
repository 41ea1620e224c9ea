// Plain snapshots of the room document (layers, candidates, canvas settings,
// prompt) for rendering, refreshed whenever the document changes.
import type * as Y from 'yjs';
import { type CanvasMeta, type Candidate, CANVAS_DEFAULTS, readMeta, ROOTS } from '../../shared/doc-schema.ts';
import { type LayerEntry, readCandidates, readLayers } from '../doc/layers.ts';
import { loadImage } from '../render/image-cache.ts';
import { RoomAttachedController } from './room-attached-controller.ts';
import type { RoomSetup } from './room-connection.ts';

export class DocStateController extends RoomAttachedController {
  #doc: Y.Doc | null = null;
  layers: LayerEntry[] = [];
  candidates: Candidate[] = [];
  meta: CanvasMeta = { title: '', ...CANVAS_DEFAULTS };
  promptText = '';

  protected attach(setup: RoomSetup | null): void {
    this.#doc?.off('afterTransaction', this.#refresh);
    this.#doc = setup?.doc ?? null;
    this.#doc?.on('afterTransaction', this.#refresh);
    this.#read();
  }

  #refresh = (transaction: Y.Transaction): void => {
    if (transaction.changed.size === 0 && transaction.deleteSet.clients.size === 0) return;
    this.#read();
  };

  #read(): void {
    const doc = this.#doc;
    if (!doc) return;
    this.layers = readLayers(doc);
    // Start fetching every image now, before the canvas first asks for it.
    for (const entry of this.layers) if (entry.valid && entry.layer.visible) void loadImage(entry.layer.src);
    this.candidates = readCandidates(doc);
    this.meta = readMeta(doc);
    this.promptText = doc.getText(ROOTS.prompt).toString();
    this.host.requestUpdate();
  }
}
