// Live rooms over Socket.IO (docs/live.md): `live:subscribe` puts a socket on
// the live channel, which hears `live:update` and `live:ended` from every node
// through the adapter; `room:request-edit` and `room:grant` from sockets in a
// room; the owner's `room:edit-requested` on their user channel; and
// `room:role` to a participant whose role just changed on this node.
import { type EditRequest, grantArgsSchema, type LiveItem } from '../../../shared/live.ts';
import { AppError } from '../../errors.ts';
import type { EditRequestSink, LiveAccess } from '../../live/live-access.ts';
import type { LiveEvents } from '../../live/live-rooms.ts';
import type { Live } from '../../live/start-live.ts';
import type { RoomRegistry } from '../../rooms/registry.ts';
import type { Participant, Room, RoomEvents } from '../../rooms/room.ts';
import { idArgs, noArgs } from './serve.ts';
import { userChannel } from './social-socket.ts';
import type { AtelierServer, SocketIoTransport } from './socketio-server.ts';

export const LIVE_CHANNEL = 'live';

export interface LiveSocketOptions {
  access: LiveAccess;
  /** Someone subscribed: "Live now" is being looked at (previews stay fresh). */
  demand(): void;
}

export function serveLiveSocket(socketIo: SocketIoTransport, options: LiveSocketOptions): void {
  const { access } = options;
  socketIo.serve('live:subscribe', {
    args: noArgs,
    names: [],
    usage: 'live:subscribe takes (ack?)',
    handle: (_args, { socket }) => {
      void socket.join(LIVE_CHANNEL);
      options.demand();
      return { subscribed: true };
    },
  });
  socketIo.serve('live:unsubscribe', {
    args: noArgs,
    names: [],
    usage: 'live:unsubscribe takes ()',
    handle: (_args, { socket }) => {
      void socket.leave(LIVE_CHANNEL);
      return {};
    },
  });
  socketIo.serve('room:request-edit', {
    args: idArgs,
    names: ['roomId'],
    usage: 'room:request-edit takes (roomId, ack)',
    handle: async ([roomId], ctx) => {
      await access.requestEdit(roomId, ctx.joined(roomId).participant.user);
      return { requested: true };
    },
  });
  socketIo.serve('room:grant', {
    args: grantArgsSchema,
    names: ['roomId', 'userId', 'role'],
    usage: "room:grant takes (roomId, userId, 'editor' | 'viewer', ack)",
    handle: async ([roomId, userId, role], { socket }) => {
      const me = socket.data.identity?.user;
      if (!me) throw new AppError('unauthorized', 'a session token is required');
      await access.grant(roomId, me.id, userId, role);
      return { userId, role };
    },
  });
}

/** Live events to subscribers and owners (through the adapter), and role changes to the sockets concerned. */
export class LiveBroadcaster implements LiveEvents, EditRequestSink, RoomEvents {
  readonly #io: AtelierServer;

  constructor(io: AtelierServer) {
    this.#io = io;
  }

  update(item: LiveItem): void {
    this.#io.to(LIVE_CHANNEL).emit('live:update', item);
  }

  ended(roomId: string): void {
    this.#io.to(LIVE_CHANNEL).emit('live:ended', { roomId });
  }

  editRequested(roomId: string, ownerId: string, request: EditRequest): void {
    this.#io.to(userChannel(ownerId)).emit('room:edit-requested', roomId, request);
  }

  /** Every node applies a grant to its own connections: only local sockets are told here. */
  roleChanged(room: Room, participant: Participant): void {
    if (participant.role === 'owner') return;
    this.#io.local.to(participant.connectionId).emit('room:role', room.id, { role: participant.role });
  }
}

/** Live rooms on this transport: the events, and who hears what. */
export function serveLive(socketIo: SocketIoTransport, live: Live, registry: RoomRegistry): void {
  serveLiveSocket(socketIo, { access: live.access, demand: live.demand });
  const broadcaster = new LiveBroadcaster(socketIo.io);
  live.rooms.events.add(broadcaster);
  live.access.sinks.add(broadcaster);
  registry.events.add(broadcaster);
  live.rooms.watchedBy(() => (socketIo.io.of('/').adapter.rooms.get(LIVE_CHANNEL)?.size ?? 0) > 0);
}
