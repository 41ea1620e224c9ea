// Live rooms' events, on both transports (docs/live.md): `live:subscribe`
// puts a connection on the live channel, which hears `live:update` (but for
// people on either side of a block with the owner) and `live:ended` from every node; `room:request-edit` and `room:grant` from
// connections in a room; the owner's `room:edit-requested` on their user
// channel; and `room:role` to a participant whose role just changed on this node.
import type { Logger } from 'pino';
import { type EditRequest, grantArgsSchema, type LiveItem } from '../../../shared/live.ts';
import { AppError } from '../../errors.ts';
import type { EditRequestSink, LiveAccess } from '../../live/live-access.ts';
import type { LiveEvents } from '../../live/live-rooms.ts';
import type { Live } from '../../live/start-live.ts';
import type { RoomRegistry } from '../../rooms/registry.ts';
import type { Participant, Room, RoomEvents } from '../../rooms/room.ts';
import type { Broadcast } from './broadcast.ts';
import { LIVE_CHANNEL, userChannel } from './channels.ts';
import { InOrder } from './in-order.ts';
import type { EventRegistry } from './event-registry.ts';
import { idArgs, noArgs } from './serve.ts';

export interface LiveSocketOptions {
  access: LiveAccess;
  /** Someone subscribed: "Live now" is being looked at (previews stay fresh). */
  demand(): void;
}

export function serveLiveEvents(events: EventRegistry, options: LiveSocketOptions): void {
  const { access } = options;
  events.serve('live:subscribe', {
    args: noArgs,
    names: [],
    usage: 'live:subscribe takes (ack?)',
    handle: (_args, ctx) => {
      ctx.join(LIVE_CHANNEL);
      options.demand();
      return { subscribed: true };
    },
  });
  events.serve('live:unsubscribe', {
    args: noArgs,
    names: [],
    usage: 'live:unsubscribe takes ()',
    handle: (_args, ctx) => {
      ctx.leave(LIVE_CHANNEL);
      return {};
    },
  });
  events.serve('room:request-edit', {
    args: idArgs,
    names: ['roomId'],
    usage: 'room:request-edit takes (roomId, ack)',
    handle: async ([roomId], ctx) => {
      await access.requestEdit(roomId, ctx.joined(roomId).participant.user);
      return { requested: true };
    },
  });
  events.serve('room:grant', {
    args: grantArgsSchema,
    names: ['roomId', 'userId', 'role'],
    usage: "room:grant takes (roomId, userId, 'editor' | 'viewer', ack)",
    handle: async ([roomId, userId, role], ctx) => {
      const me = ctx.user;
      if (!me) throw new AppError('unauthorized', 'a session token is required');
      await access.grant(roomId, me.id, userId, role);
      return { userId, role };
    },
  });
}

/** Who must not see a person's live rooms: whoever is on either side of a block with them (the social layer answers). */
export interface LiveAudience {
  blockedEitherWay(userId: string): Promise<string[]>;
}

/** Live events to subscribers and owners (every node), and role changes to the connections concerned. */
export class LiveBroadcaster implements LiveEvents, EditRequestSink, RoomEvents {
  readonly #io: Broadcast;
  readonly #audience: LiveAudience;
  /** An update waits for its lookup; an `ended` must not overtake it. */
  readonly #inOrder: InOrder;

  constructor(io: Broadcast, audience: LiveAudience, logger: Logger) {
    this.#io = io;
    this.#audience = audience;
    this.#inOrder = new InOrder(logger, 'live broadcast');
  }

  /** Leaves out the sockets of people the owner blocks or who block the owner, as `GET /api/live` leaves out the room. */
  update(item: LiveItem): void {
    const { ownerId } = item.room;
    this.#inOrder.sendWith(
      this.#audience.blockedEitherWay(ownerId),
      (apart) => this.#io.to(LIVE_CHANNEL).except(apart.map(userChannel)).emit('live:update', item),
      { roomId: item.room.id },
    );
  }

  ended(roomId: string): void {
    this.#inOrder.send(() => this.#io.to(LIVE_CHANNEL).emit('live:ended', { roomId }));
  }

  /** Waits for broadcasts in flight (tests). */
  idle(): Promise<void> {
    return this.#inOrder.idle();
  }

  editRequested(roomId: string, ownerId: string, request: EditRequest): void {
    this.#io.to(userChannel(ownerId)).emit('room:edit-requested', roomId, request);
  }

  /** Every node applies a grant to its own connections: only local connections are told here. */
  roleChanged(room: Room, participant: Participant): void {
    if (participant.role === 'owner') return;
    this.#io.local.to(participant.connectionId).emit('room:role', room.id, { role: participant.role });
  }
}

/** Live rooms' events: the handlers, and who hears what. */
export function serveLive(
  events: EventRegistry,
  broadcast: Broadcast,
  live: Live,
  registry: RoomRegistry,
  audience: LiveAudience,
  logger: Logger,
): void {
  serveLiveEvents(events, { access: live.access, demand: live.demand });
  const broadcaster = new LiveBroadcaster(broadcast, audience, logger);
  live.rooms.events.add(broadcaster);
  live.access.sinks.add(broadcaster);
  registry.events.add(broadcaster);
  live.rooms.watchedBy(() => broadcast.hasLocal(LIVE_CHANNEL));
}
