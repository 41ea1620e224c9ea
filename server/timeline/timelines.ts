// A work's making-of as `GET /api/works/:id/timeline` serves it: its room's
// frames up to its publish, the prompt left out when the work hides it, each
// actor as anyone may see them. A work nobody may see has no timeline either.
import { CANVAS_DEFAULTS, readMeta } from '../../shared/doc-schema.ts';
import type { PublicUser } from '../../shared/protocol.ts';
import type { TimelineFrame, TimelineResponse } from '../../shared/timeline.ts';
import { DELETED_USER } from '../auth/users.ts';
import type { GalleryStore, WorkRecord } from '../store/gallery.ts';
import type { StoredFrame, TimelineStore } from '../store/timeline.ts';
import * as Y from 'yjs';

export interface TimelinesDeps {
  /** The work as its page finds it: `not_found` for unknown, deleted, removed and hidden works. */
  works: { getRecord(id: string, viewer: string | null): Promise<WorkRecord> };
  gallery: GalleryStore;
  store: TimelineStore;
  users: { get(id: string): Promise<PublicUser | null> };
}

export class Timelines {
  readonly #deps: TimelinesDeps;

  constructor(deps: TimelinesDeps) {
    this.#deps = deps;
  }

  async forWork(workId: string, viewer: string | null): Promise<TimelineResponse> {
    const work = await this.#deps.works.getRecord(workId, viewer);
    const [source, stored] = await Promise.all([
      this.#deps.gallery.getWorkSource(work.id),
      this.#deps.store.forWork(work.roomId, { id: work.id, createdAt: work.createdAt }),
    ]);
    const frames = [...stored];
    if (frames.at(-1)?.workId !== work.id) {
      // Published before frames were recorded, or its frame was lost: the work itself is the last state.
      frames.push({
        seq: 0,
        roomId: work.roomId,
        at: work.createdAt,
        event: 'publish',
        actorId: work.publishedBy,
        prompt: work.prompt,
        // A hidden work (which only moderators get this far with) has no source to read: its last frame's stack stands in.
        layers: source?.layers ?? stored.at(-1)?.layers ?? [],
        images: [],
        workId: work.id,
      });
    }
    const actors = await this.#actors(frames);
    const names = work.hidePrompt ? neutralNames(frames) : null;
    return {
      canvas: { width: work.width, height: work.height, background: source ? backgroundOf(source.state) : CANVAS_DEFAULTS.background },
      frames: frames.map((frame) => toFrame(frame, actors, names)),
      promptHidden: work.hidePrompt,
    };
  }

  async #actors(frames: readonly StoredFrame[]): Promise<Map<string, PublicUser>> {
    const ids = [...new Set(frames.flatMap((frame) => (frame.actorId === null ? [] : [frame.actorId])))];
    const users = await Promise.all(ids.map((id) => this.#deps.users.get(id)));
    // A deleted account is credited as on the works it made with others.
    return new Map(ids.map((id, i) => [id, users[i] ?? { id, ...DELETED_USER }]));
  }
}

/**
 * `names`, for a work that hides its prompt: what each layer is called
 * instead (a placed candidate is named after the first words of its prompt).
 */
function toFrame(frame: StoredFrame, actors: Map<string, PublicUser>, names: Map<string, string> | null): TimelineFrame {
  const out: TimelineFrame = {
    at: frame.at,
    event: frame.event,
    actor: frame.actorId === null ? null : (actors.get(frame.actorId) ?? null),
    // A hidden prompt leaves the server nowhere, its making-of included.
    prompt: names ? null : frame.prompt,
    layers: names ? frame.layers.map((layer) => ({ ...layer, name: names.get(layer.id) ?? 'Layer' })) : frame.layers,
  };
  if (frame.images.length > 0) out.images = frame.images;
  return out;
}

/** "Layer 1", "Layer 2", … by each layer id's first appearance: the same layer keeps its name from frame to frame. */
function neutralNames(frames: readonly StoredFrame[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const frame of frames) for (const layer of frame.layers) if (!names.has(layer.id)) names.set(layer.id, `Layer ${names.size + 1}`);
  return names;
}

function backgroundOf(state: Uint8Array): string {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return readMeta(doc).background;
  } finally {
    doc.destroy();
  }
}
