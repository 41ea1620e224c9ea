// A user blocked by a room's owner leaves the owner's rooms at once: on this
// node when the block is made, and on every other node when the session bus
// brings the news. Every room this node holds that the blocked user is in is
// checked against its owner; each of their connections there is evicted
// (Socket.IO: `room:error` forbidden and out of the room; the Yjs WebSocket:
// closed with 4403). Joining again is refused by the room gate (room-gate.ts).
import type { Logger } from 'pino';
import type { SessionBus } from '../auth/session-bus.ts';
import { AppError } from '../errors.ts';
import type { RoomDirectory } from '../rooms/directory.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { BlockListener } from './people.ts';

export interface BlockEvictionDeps {
  bus: SessionBus;
  registry: RoomRegistry;
  directory: Pick<RoomDirectory, 'get'>;
  logger: Logger;
}

const REFUSED = 'the owner of this room does not let you in';

export class BlockEviction implements BlockListener {
  readonly #d: BlockEvictionDeps;

  constructor(deps: BlockEvictionDeps) {
    this.#d = deps;
    deps.bus.subscribe((event) => {
      if (event.type === 'blocked') void this.#evict(event.blockerId, event.blockedId);
    });
  }

  /** People tells of a block made here: let the user go here, and tell the other nodes. */
  blocked(blockerId: string, blockedId: string): void {
    void this.#evict(blockerId, blockedId);
    this.#d.bus.publish({ type: 'blocked', blockerId, blockedId }).catch((err: unknown) => {
      // Other nodes keep them until they leave; a new join is refused there all the same.
      this.#d.logger.warn({ err }, 'block not sent to other nodes');
    });
  }

  /** The blocked user's connections in the blocker's rooms that this node holds. */
  async #evict(blockerId: string, blockedId: string): Promise<void> {
    for (const room of [...this.#d.registry.rooms()]) {
      const theirs = [...room.participants.values()].filter((p) => p.user.id === blockedId && p.role !== 'owner');
      if (theirs.length === 0) continue;
      try {
        const record = await this.#d.directory.get(room.id);
        if (record.ownerId !== blockerId) continue;
      } catch (err) {
        if (!(err instanceof AppError)) this.#d.logger.warn({ err, roomId: room.id }, 'block eviction: the room could not be read');
        continue;
      }
      for (const participant of theirs) room.evict(participant.connectionId, new AppError('forbidden', REFUSED));
    }
  }
}
