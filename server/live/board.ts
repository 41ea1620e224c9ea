// What every node knows of the listed rooms it holds open, put where every
// node can read it: one entry per room and node (its people there, when the
// document last changed), the room's latest preview, and whether anyone looks
// at "Live now". In memory for one node; in Redis when scaled.
import type { LiveItem } from '../../shared/live.ts';
import type { PublicUser, RoomInfo } from '../../shared/protocol.ts';

/** One node's view of one listed room. */
export interface LiveEntry {
  roomId: string;
  nodeId: string;
  room: RoomInfo;
  /** Makers present on that node. */
  participants: PublicUser[];
  spectators: number;
  /** Who the spectators are (for `room:grant`; not shown). */
  viewerIds: string[];
  /** Epoch ms of the document's last change seen there. */
  updatedAt: number;
  /** Epoch ms after which a node that stopped refreshing it is ignored. */
  expiresAt: number;
}

export interface LivePreview {
  url: string;
  /** What was drawn (layers and canvas), so an unchanged room is not drawn again. */
  key: string;
  /** Epoch ms. */
  renderedAt: number;
  /** The preview before it, kept one period for clients still fetching it, then deleted. */
  previous?: string;
}

export interface LiveBoard {
  /** True while it answers from this node's memory, the shared board out of reach (last-known-board.ts). */
  readonly stale: boolean;
  put(entry: LiveEntry): Promise<void>;
  /** One node's entry, or every node's when nodeId is omitted. */
  remove(roomId: string, nodeId?: string): Promise<void>;
  entries(now: number): Promise<LiveEntry[]>;
  preview(roomId: string): Promise<LivePreview | null>;
  previews(roomIds: readonly string[]): Promise<Map<string, LivePreview>>;
  setPreview(roomId: string, preview: LivePreview): Promise<void>;
  /** True for one node at a time per room and period: the one that renders its preview. */
  claimRender(roomId: string, nodeId: string, ttlMs: number): Promise<boolean>;
  /** Someone looks at "Live now" (a page read or a subscriber) until `until`. */
  markDemand(until: number): Promise<void>;
  demanded(now: number): Promise<boolean>;
}

/** The shared board (Redis's), which can also forget the previews of rooms no entry names any more (last-known-board.ts). */
export interface SharedLiveBoard extends LiveBoard {
  forgetPreviews(roomIds: readonly string[]): Promise<void>;
}

/** Every node's entries of each room as one item: people once each (makers first), counts summed. */
export function mergeEntries(entries: readonly LiveEntry[], previews: ReadonlyMap<string, LivePreview>): LiveItem[] {
  const byRoom = new Map<string, LiveEntry[]>();
  for (const entry of entries) {
    const list = byRoom.get(entry.roomId);
    if (list) list.push(entry);
    else byRoom.set(entry.roomId, [entry]);
  }
  const items: LiveItem[] = [];
  for (const [roomId, list] of byRoom) {
    const people = new Map<string, PublicUser>();
    for (const entry of list) for (const user of entry.participants) if (!people.has(user.id)) people.set(user.id, user);
    const newest = list.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
    // People, not connections: a browser watches on two (its events and its document), and may be on two nodes.
    const spectators = new Set(list.flatMap((entry) => entry.viewerIds)).size;
    if (people.size === 0 && spectators === 0) continue;
    items.push({
      room: newest.room,
      participants: [...people.values()],
      spectators,
      previewUrl: previews.get(roomId)?.url ?? null,
      updatedAt: new Date(newest.updatedAt).toISOString(),
    });
  }
  return items;
}

/** The board of a node that is alone; also a scaled node's memory of the shared board (LastKnownBoard). */
export class MemoryLiveBoard implements LiveBoard {
  readonly #entries = new Map<string, LiveEntry>();
  readonly #previews = new Map<string, LivePreview>();
  readonly #claims = new Map<string, number>();
  #demandUntil = 0;
  readonly stale = false;

  async put(entry: LiveEntry): Promise<void> {
    this.#entries.set(`${entry.roomId} ${entry.nodeId}`, entry);
  }

  async remove(roomId: string, nodeId?: string): Promise<void> {
    for (const [key, entry] of this.#entries) {
      if (entry.roomId === roomId && (nodeId === undefined || entry.nodeId === nodeId)) this.#entries.delete(key);
    }
    if (nodeId === undefined) this.#previews.delete(roomId);
  }

  async entries(now: number): Promise<LiveEntry[]> {
    return [...this.#entries.values()].filter((entry) => entry.expiresAt > now);
  }

  /** Every entry replaced by these (a read of the shared board). */
  replaceEntries(entries: readonly LiveEntry[]): void {
    this.#entries.clear();
    for (const entry of entries) this.#entries.set(`${entry.roomId} ${entry.nodeId}`, entry);
  }

  /** The room's preview as read from the shared board: kept, or forgotten when it has none. */
  rememberPreview(roomId: string, preview: LivePreview | null): void {
    if (preview) this.#previews.set(roomId, preview);
    else this.#previews.delete(roomId);
  }

  async preview(roomId: string): Promise<LivePreview | null> {
    return this.#previews.get(roomId) ?? null;
  }

  async previews(roomIds: readonly string[]): Promise<Map<string, LivePreview>> {
    const found = new Map<string, LivePreview>();
    for (const id of roomIds) {
      const preview = this.#previews.get(id);
      if (preview) found.set(id, preview);
    }
    return found;
  }

  async setPreview(roomId: string, preview: LivePreview): Promise<void> {
    this.#previews.set(roomId, preview);
  }

  async claimRender(roomId: string, _nodeId: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if ((this.#claims.get(roomId) ?? 0) > now) return false;
    this.#claims.set(roomId, now + ttlMs);
    return true;
  }

  async markDemand(until: number): Promise<void> {
    this.#demandUntil = Math.max(this.#demandUntil, until);
  }

  async demanded(now: number): Promise<boolean> {
    return this.#demandUntil > now;
  }
}
