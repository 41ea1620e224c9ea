// Letting one connection into a room, the same way for every transport.
import { type PublicUser, roomIdSchema } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import type { Access, RoomDirectory } from './directory.ts';
import type { RoomRegistry } from './registry.ts';
import type { Participant, Room } from './room.ts';

export interface Admitted extends Access {
  live: Room;
  participant: Participant;
}

export class RoomAdmission {
  readonly #directory: RoomDirectory;
  readonly #registry: RoomRegistry;

  constructor(directory: RoomDirectory, registry: RoomRegistry) {
    this.#directory = directory;
    this.#registry = registry;
  }

  /**
   * Resolves the user's role, loads the room and adds the connection as a
   * participant. `stillOpen` is asked after the awaits: a connection that went
   * away meanwhile is not added.
   */
  async admit(
    roomId: unknown,
    user: PublicUser | null,
    invite: string | undefined,
    connectionId: string,
    transport: string,
    stillOpen: () => boolean,
  ): Promise<Admitted> {
    if (!user) throw new AppError('unauthorized', 'a session token is required to join a room');
    const id = roomIdSchema.safeParse(roomId);
    if (!id.success) throw new AppError('not_found', 'no such room');
    const access = await this.#directory.resolve(id.data, user.id, invite);
    const live = await this.#registry.open(id.data);
    try {
      if (!stillOpen()) throw new AppError('unavailable', 'connection closed while joining');
      const participant = live.join(connectionId, user, access.role, transport);
      return { ...access, live, participant };
    } catch (err) {
      this.#registry.release(live);
      throw err;
    }
  }

  /** Removes the connection from the room, which may then unload. */
  leave(room: Room, connectionId: string): void {
    room.leave(connectionId);
    this.#registry.release(room);
  }
}
