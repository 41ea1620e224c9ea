// Publishing a room: take one consistent snapshot of its document, refuse any
// layer the renderer would not draw, composite, store the images and the work.
// Nothing is stored until every check and the render have passed.
import * as Y from 'yjs';
import { checkLayer, type Layer, ROOTS, readMeta, topmostById } from '../../shared/doc-schema.ts';
import { canEdit, type PublicUser, type PublishWorkBody, type Role } from '../../shared/protocol.ts';
import { hashtags, TAGS_PER_WORK } from '../../shared/social.ts';
import { clipText, shownOrNone } from '../../shared/text.ts';
import { AppError } from '../errors.ts';
import { MAX_PROMPT_LENGTH } from '../generation/job-request.ts';
import { randomId } from '../ids.ts';
import { MEDIA_URL_PREFIX, type MediaStore } from '../media/media-store.ts';
import type { Metrics } from '../metrics.ts';
import type { RateLimiter } from '../rate-limit.ts';
import { type Compositor, LayerRenderError } from '../render/compositor.ts';
import type { RenderSlots } from '../render/render-slots.ts';
import type { Room } from '../rooms/room.ts';
import type { GalleryStore, WorkRecord } from '../store/gallery.ts';
import type { RecordStore } from '../store/records.ts';
import type { Contributors } from './contributors.ts';

export interface PublishLimits {
  publishesPerMinute: number;
  maxLayers: number;
}

export interface PublisherDeps {
  store: GalleryStore;
  records: RecordStore;
  media: MediaStore;
  compositor: Compositor;
  slots: RenderSlots;
  contributors: Contributors;
  limiter: RateLimiter;
  limits: PublishLimits;
  metrics: Metrics;
}

interface Snapshot {
  prompt: string;
  layers: Layer[];
  width: number;
  height: number;
  background: string;
  state: Uint8Array;
}

export class Publisher {
  readonly #deps: PublisherDeps;

  constructor(deps: PublisherDeps) {
    this.#deps = deps;
  }

  async publish(room: Room, by: { user: PublicUser; role: Role }, body: PublishWorkBody): Promise<WorkRecord> {
    const deps = this.#deps;
    if (!canEdit(by.role)) throw new AppError('forbidden', 'viewers cannot publish this room');
    const perMinute = deps.limits.publishesPerMinute;
    if (!(await deps.limiter.take(`publish:u:${by.user.id}`, { limit: perMinute, windowMs: 60_000 }))) {
      throw new AppError('rate_limited', `at most ${perMinute} publishes a minute`);
    }
    const snapshot = this.#snapshot(room);
    await this.#checkSources(snapshot.layers);
    const record = await deps.records.getRoom(room.id);
    if (!record) throw new AppError('not_found', 'no such room');

    const rendering = await deps.slots.run(async () => {
      const started = performance.now();
      try {
        return await deps.compositor.render(snapshot, (src) => deps.media.readUrl(src));
      } catch (err) {
        if (err instanceof LayerRenderError) throw new AppError('bad_request', `layer "${err.layerId}": ${err.message}`, { cause: err });
        throw err;
      } finally {
        deps.metrics.renderSeconds.observe((performance.now() - started) / 1000);
      }
    });

    const [image, thumb] = await Promise.all([deps.media.put(rendering.png, 'png'), deps.media.put(rendering.thumbnail.webp, 'webp')]);
    const authorIds = await deps.contributors.list(room.id);
    // Whoever publishes is credited too, even if they only curated (a remix published as it came).
    if (!authorIds.includes(by.user.id)) authorIds.push(by.user.id);
    const work = await deps.store.insertWork({
      id: randomId(),
      roomId: room.id,
      remixOf: record.remixOf,
      publishedBy: by.user.id,
      authorIds,
      title: body.title,
      description: body.description ?? '',
      prompt: snapshot.prompt,
      width: snapshot.width,
      height: snapshot.height,
      imageUrl: image.url,
      thumbUrl: thumb.url,
      placeholder: rendering.placeholder,
      layers: snapshot.layers,
      state: snapshot.state,
      createdAt: new Date().toISOString(),
      tags: workTags(body),
      allowRemix: body.allowRemix ?? true,
      hidePrompt: body.hidePrompt ?? false,
    });
    deps.metrics.worksPublished.inc();
    return work;
  }

  /** Everything publish records, read in one synchronous step so no edit can land half-way. */
  #snapshot(room: Room): Snapshot {
    const { doc } = room;
    const entries = doc.getArray(ROOTS.layers).toArray();
    if (entries.length > this.#deps.limits.maxLayers) {
      throw new AppError('too_large', `a work may have at most ${this.#deps.limits.maxLayers} layers (this one has ${entries.length})`);
    }
    const checkedLayers: Layer[] = [];
    for (const entry of entries) {
      const checked = checkLayer(entry);
      if (!checked.ok) throw new AppError('bad_request', `layer "${checked.id}": ${checked.reason}`);
      checkedLayers.push(checked.layer);
    }
    // As the room shows it: a layer two people moved at once counts once.
    const layers = topmostById(checkedLayers);
    if (!layers.some((layer) => layer.visible)) throw new AppError('bad_request', 'nothing to publish: no visible layer');
    const { width, height, background } = readMeta(doc);
    return {
      // Any editor writes the room's prompt, so it is read as its title and layer names are: one that free text
      // refuses is published as none (docs/gallery.md, "Publishing"), one it takes composed, trimmed and cut to
      // what a job's prompt may be (the room's text has no bound of its own but the document's size).
      prompt: clipText(shownOrNone(doc.getText(ROOTS.prompt).toString(), 'lines').trim(), MAX_PROMPT_LENGTH),
      layers,
      width,
      height,
      background,
      state: Y.encodeStateAsUpdate(doc),
    };
  }

  /** Every layer, hidden ones too, must show a file this server holds. */
  async #checkSources(layers: readonly Layer[]): Promise<void> {
    const located = await Promise.all(layers.map((layer) => this.#deps.media.locate(layer.src.slice(MEDIA_URL_PREFIX.length))));
    const missing = layers.find((_, i) => located[i] === null);
    if (missing) throw new AppError('bad_request', `layer "${missing.id}": src is not a media file of this server`);
  }
}

/** The tags given, then the description's `#tags`, distinct, the first TAGS_PER_WORK of them. */
export function workTags(body: Pick<PublishWorkBody, 'tags' | 'description'>): string[] {
  const tags = new Set(body.tags ?? []);
  for (const tag of hashtags(body.description ?? '')) tags.add(tag);
  return [...tags].slice(0, TAGS_PER_WORK);
}
