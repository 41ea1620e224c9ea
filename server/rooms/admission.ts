// Letting one connection into a room, the same way for every transport.
import { type PublicUser, type Role, roomIdSchema } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import type { RoomRecord } from '../store/records.ts';
import type { RoomDirectory } from './directory.ts';
import type { RoomRegistry } from './registry.ts';
import type { Participant, Room } from './room.ts';

/** What the connection asked for: an invite's role, or only to watch a listed room (docs/live.md). */
export interface JoinChoice {
  invite?: string | undefined;
  watch?: boolean | undefined;
}

/** A connection let into a room: its stored record, the role it got, the loaded Room and its place in it. */
export interface Admitted {
  record: RoomRecord;
  role: Role;
  room: Room;
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
    choice: JoinChoice,
    connectionId: string,
    transport: string,
    stillOpen: () => boolean,
  ): Promise<Admitted> {
    if (!user) throw new AppError('unauthorized', 'a session token is required to join a room');
    const id = roomIdSchema.safeParse(roomId);
    if (!id.success) throw new AppError('not_found', 'no such room');
    const { room: record, role } = await this.#directory.resolve(id.data, user.id, choice.invite, { watch: choice.watch ?? false });
    const room = await this.#registry.open(id.data, record);
    try {
      if (!stillOpen()) throw new AppError('unavailable', 'connection closed while joining');
      const participant = room.join(connectionId, user, role, transport);
      return { record, role, room, participant };
    } catch (err) {
      this.#registry.release(room);
      throw err;
    }
  }

  /** Removes the connection from the room, which may then unload. */
  leave(room: Room, connectionId: string): void {
    room.leave(connectionId);
    this.#registry.release(room);
  }
}
