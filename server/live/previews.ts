// A listed room's preview: its visible layers composited small by the same
// renderer publishing uses (libvips works off the event loop), as WebP in the
// media store. The key says what was drawn, so an unchanged room (a prompt
// being typed moves no pixel) is not drawn again. Each file carries its room
// in its EXIF, so no other room or upload (ingest strips metadata) can share
// its content address, and a replaced preview can be deleted (docs/live.md).
import { createHash } from 'node:crypto';
import { checkLayer, type Layer, ROOTS, readMeta, topmostById } from '../../shared/doc-schema.ts';
import { MEDIA_URL_PREFIX, type MediaStore } from '../media/media-store.ts';
import type { Compositor, Scene } from '../render/compositor.ts';
import type { Room } from '../rooms/room.ts';
import { loadSharp } from '../media/sharp.ts';

const WEBP_QUALITY = 70;

export interface PreviewDeps {
  compositor: Compositor;
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

  /** Draws the scene; the URL of the stored WebP. Throws when a source cannot be read. */
  async render(roomId: string, { scene }: PreviewScene): Promise<string> {
    const { compositor, media } = this.#deps;
    const pixels = await compositor.flatten(scene, (src) => media.readUrl(src));
    const sharp = await loadSharp();
    const webp = await sharp(pixels, { raw: { width: scene.width, height: scene.height, channels: 3 } })
      .withExif({ IFD0: { ImageDescription: previewTag(roomId) } })
      .webp({ quality: WEBP_QUALITY })
      .toBuffer();
    return (await media.put(webp, 'webp')).url;
  }

  /** Deletes a preview drawn by render; true when a file went. */
  async discard(url: string): Promise<boolean> {
    if (!url.startsWith(MEDIA_URL_PREFIX)) return false;
    return this.#deps.media.delete(url.slice(MEDIA_URL_PREFIX.length));
  }
}

/** What a preview's EXIF says: the room it shows. */
export function previewTag(roomId: string): string {
  return `atelier live preview ${roomId}`;
}
