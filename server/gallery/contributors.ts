// Who made what is in a room: every user whose change reached the prompt or
// the layers (read from each update's origin), and, through addContributor,
// everyone who ran a generation there. A published work credits them all.
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { canEdit } from '../../shared/protocol.ts';
import { assertNever, type UpdateOrigin } from '../rooms/origin.ts';
import type { Room, RoomEvents } from '../rooms/room.ts';
import type { GalleryStore } from '../store/gallery.ts';
import type { OutageLog } from '../store/outage-log.ts';

/** Roots whose changes make someone an author; `meta` (title, canvas) and `candidates` do not. */
const CREATIVE_ROOTS: readonly string[] = [ROOTS.prompt, ROOTS.layers];

export class Contributors implements RoomEvents {
  readonly #store: GalleryStore;
  readonly #logger: Logger;
  /** Users already recorded per loaded room, so an update from a known author is not even decoded. */
  readonly #known = new Map<string, Set<string>>();
  /** The last write per room, awaited before the list is read. */
  readonly #pending = new Map<string, Promise<void>>();

  readonly #outage: OutageLog | undefined;

  /** With `outage`, failures go to it (logged once per store outage), else each is logged. */
  constructor(store: GalleryStore, logger: Logger, outage?: OutageLog) {
    this.#store = store;
    this.#logger = logger;
    this.#outage = outage;
  }

  docApplied(room: Room, update: Uint8Array, origin: UpdateOrigin): void {
    const userId = writer(room, origin);
    if (userId === null || this.#known.get(room.id)?.has(userId)) return;
    if (touchesCreativeRoots(room.doc, update)) void this.addContributor(room.id, userId);
  }

  /** Credits a user in a room (the generation module calls this for whoever starts a job). */
  addContributor(roomId: string, userId: string): Promise<void> {
    const known = this.#known.get(roomId) ?? new Set<string>();
    this.#known.set(roomId, known);
    if (known.has(userId)) return this.#pending.get(roomId) ?? Promise.resolve();
    known.add(userId);
    const previous = this.#pending.get(roomId) ?? Promise.resolve();
    const write = previous.then(() =>
      this.#store.addContributor(roomId, userId).then(
        () => this.#outage?.succeeded(),
        (err: unknown) => {
          // Forget it so the user's next change tries again; the edit itself is not affected.
          known.delete(userId);
          if (this.#outage) this.#outage.failed(err, { operation: 'record a contributor', roomId, userId });
          else this.#logger.error({ err, roomId, userId }, 'could not record a contributor');
        },
      ),
    );
    this.#pending.set(roomId, write);
    void write.then(() => {
      if (this.#pending.get(roomId) === write) this.#pending.delete(roomId);
    });
    return write;
  }

  /** User ids, first contribution first, including writes still in flight. */
  async list(roomId: string): Promise<string[]> {
    await this.#pending.get(roomId);
    return this.#store.listContributors(roomId);
  }

  roomUnloaded(room: Room): void {
    this.forget(room.id);
  }

  /** Drops what is cached for a room that unloaded. */
  forget(roomId: string): void {
    if (!this.#pending.has(roomId)) this.#known.delete(roomId);
  }
}

/** The user an update is credited to, or null for changes nobody authored here. */
function writer(room: Room, origin: UpdateOrigin): string | null {
  switch (origin.source) {
    case 'connection': {
      // Viewers cannot write; checked again so a change of role can never credit one.
      const participant = room.participants.get(origin.connectionId);
      return participant && canEdit(participant.role) ? origin.userId : null;
    }
    case 'server':
      return origin.userId ?? null;
    case 'remote':
    // The node that received it credited its author in the shared store.
    case 'load':
      return null;
    default:
      return assertNever(origin);
  }
}

/** Whether an update (already applied to `doc`) inserted or deleted anything under `prompt` or `layers`. */
export function touchesCreativeRoots(doc: Y.Doc, update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  for (const struct of structs) {
    if (struct instanceof Y.Item && isCreative(doc, struct.id)) return true;
  }
  for (const [client, deletes] of ds.clients) {
    for (const range of deletes) {
      if (isCreative(doc, Y.createID(client, range.clock))) return true;
    }
  }
  return false;
}

function isCreative(doc: Y.Doc, id: Y.ID): boolean {
  let item: unknown;
  try {
    item = Y.getItem(doc.store, id);
  } catch {
    // Not integrated (an update still waiting for what it depends on): it changed nothing yet.
    return false;
  }
  // A garbage-collected struct has no parent left to tell.
  if (!(item instanceof Y.Item)) return false;
  let parent = item.parent;
  while (parent instanceof Y.AbstractType && parent._item !== null) parent = parent._item.parent;
  if (!(parent instanceof Y.AbstractType)) return false;
  for (const name of CREATIVE_ROOTS) if (doc.share.get(name) === parent) return true;
  return false;
}
