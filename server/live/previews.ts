// A listed room's preview: its visible layers composited small by the same
// renderer publishing uses, on the preview thread (preview-worker.ts), as WebP
// in the media store. The key says what was drawn, so an unchanged room (a prompt
// being typed moves no pixel) is not drawn again. Each file carries its room
// in its EXIF, so no other room or upload (ingest strips metadata) can share
// its content address, and a replaced preview can be deleted (docs/live.md).
import { createHash } from 'node:crypto';
import { checkLayer, type Layer, ROOTS, readMeta, topmostById } from '../../shared/doc-schema.ts';
import { MEDIA_URL_PREFIX, type MediaStore } from '../media/media-store.ts';
import type { Scene } from '../render/compositor.ts';
import type { Room } from '../rooms/room.ts';
import type { PreviewWorker } from './preview-worker.ts';

export { previewTag } from './preview-tag.ts';

export interface PreviewDeps {
  worker: PreviewWorker;
  media: MediaStore;
  /** Longest side in pixels. */
  side: number;
}

export interface PreviewScene {
  scene: Scene;
  key: string;
}

export class PreviewRenderer {
  readonly #deps: PreviewDeps;

  constructor(deps: PreviewDeps) {
    this.#deps = deps;
  }

  /** The room's canvas scaled to the preview size, read in one synchronous step. */
  sceneOf(room: Room): PreviewScene {
    const { doc } = room;
    const layers: Layer[] = [];
    // Layers the renderer would refuse are left out of a preview rather than failing it.
    for (const entry of doc.getArray(ROOTS.layers).toArray()) {
      const checked = checkLayer(entry);
      if (checked.ok) layers.push(checked.layer);
    }
    const meta = readMeta(doc);
    const drawn = topmostById(layers).filter((layer) => layer.visible && layer.opacity > 0);
    const key = createHash('sha256')
      .update(JSON.stringify([meta, drawn, this.#deps.side]))
      .digest('base64url');
    const f = Math.min(1, this.#deps.side / Math.max(meta.width, meta.height));
    return {
      key,
      scene: {
        width: Math.max(1, Math.round(meta.width * f)),
        height: Math.max(1, Math.round(meta.height * f)),
        background: meta.background,
        layers: drawn.map((layer) => ({ ...layer, x: layer.x * f, y: layer.y * f, scale: layer.scale * f })),
      },
    };
  }

  /**
   * Draws the scene; the URL of the stored WebP. Throws when a source cannot
   * be read, and PreviewSuperseded when a newer scene of the room was asked
   * for before this one was drawn.
   */
  async render(roomId: string, { scene }: PreviewScene): Promise<string> {
    const { worker, media } = this.#deps;
    // Encoded bytes only, each source once: the pixels are decoded on the thread.
    const sources = new Map<string, Uint8Array>();
    for (const src of new Set(scene.layers.map((layer) => layer.src))) {
      const bytes = await media.readUrl(src);
      if (bytes) sources.set(src, bytes);
    }
    const webp = await worker.draw(roomId, scene, sources);
    return (await media.put(webp, 'webp')).url;
  }

  /** Deletes a preview drawn by render; true when a file went. */
  async discard(url: string): Promise<boolean> {
    if (!url.startsWith(MEDIA_URL_PREFIX)) return false;
    return this.#deps.media.delete(url.slice(MEDIA_URL_PREFIX.length));
  }
}
