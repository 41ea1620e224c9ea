// `GET /api/live`: the listed rooms with someone in them on any node, most
// recently changed first, leaving out those whose owner the caller blocks.
// Reading it counts as looking at "Live now": previews are kept fresh a while.
import type { LiveItem, LivePage } from '../../shared/live.ts';
import { AppError } from '../errors.ts';
import type { RoomGate } from '../rooms/directory.ts';
import type { LiveStore } from '../store/live.ts';
import { type LiveBoard, mergeEntries } from './board.ts';

export interface LivePageDeps {
  board: LiveBoard;
  store: LiveStore;
  gate: Pick<RoomGate, 'listable'>;
  /** Of these owners, those who block the user: a blocked user is not shown their rooms either. */
  blockersAmong(userId: string, ownerIds: readonly string[]): Promise<Set<string>>;
  previewMs: number;
}

type Position = [updatedAt: string, roomId: string];

const encodeCursor = (item: LiveItem) => Buffer.from(JSON.stringify([item.updatedAt, item.room.id])).toString('base64url');

function decodeCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // falls through to the typed error
  }
  throw new AppError('bad_request', 'malformed cursor');
}

/** Newest change first; ties by room id so that the order, and so the cursor, is total. */
const before = (a: Position, b: Position) => (a[0] !== b[0] ? a[0] > b[0] : a[1] < b[1]);

export async function livePage(
  deps: LivePageDeps,
  viewerId: string | null,
  query: { cursor?: string | undefined; limit: number },
): Promise<LivePage> {
  const now = Date.now();
  // Looked at after each read of the board too: a page any part of which came from memory is stale.
  let stale = deps.board.stale;
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  // A page just read is looked at for a while even without a subscription.
  await deps.board.markDemand(now + Math.max(10_000, deps.previewMs * 2));
  const entries = await deps.board.entries(now);
  stale ||= deps.board.stale;
  // The store has the last word: an entry outliving its listing (a node that missed the news) is not shown.
  const listed = await deps.store.listedAmong([...new Set(entries.map((e) => e.roomId))]);
  const live = entries.filter((entry) => listed.has(entry.roomId));
  let items = mergeEntries(live, await deps.board.previews([...listed]));
  stale ||= deps.board.stale;
  if (viewerId !== null) {
    const visible = new Set(
      (
        await deps.gate.listable(
          items.map((item) => item.room),
          viewerId,
        )
      ).map((room) => room.id),
    );
    const blockers = await deps.blockersAmong(viewerId, [...new Set(items.map((item) => item.room.ownerId))]);
    items = items.filter((item) => visible.has(item.room.id) && !blockers.has(item.room.ownerId));
  }
  items.sort((a, b) => (before([a.updatedAt, a.room.id], [b.updatedAt, b.room.id]) ? -1 : 1));
  if (after) items = items.filter((item) => before(after, [item.updatedAt, item.room.id]));
  const page = items.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: items.length > query.limit && last ? encodeCursor(last) : null, ...(stale ? { stale: true } : {}) };
}
