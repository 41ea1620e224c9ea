// Live rooms over Socket.IO (docs/live.md): `live:subscribe` puts a socket on
// the live channel, which hears `live:update` and `live:ended` from every node
// through the adapter; `room:request-edit` and `room:grant` from sockets in a
// room; the owner's `room:edit-requested` on their user channel; and
// `room:role` to a participant whose role just changed on this node.
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  type EditRequest,
  type GrantAck,
  grantArgsSchema,
  type LiveItem,
  type LiveSubscribeAck,
  type RequestEditAck,
} from '../../../shared/live.ts';
import type { WireError } from '../../../shared/protocol.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { EditRequestSink, LiveAccess } from '../../live/live-access.ts';
import type { LiveEvents } from '../../live/live-rooms.ts';
import type { Live } from '../../live/start-live.ts';
import type { RoomRegistry } from '../../rooms/registry.ts';
import type { Metrics } from '../../metrics.ts';
import type { Participant, Room, RoomEvents } from '../../rooms/room.ts';
import { userChannel } from './social-socket.ts';
import type { AtelierServer, SocketContext, SocketHandlers, SocketIoTransport } from './socketio-server.ts';

export const LIVE_CHANNEL = 'live';

const roomArg = z.string().max(64);

type AckFn<T> = (res: T) => void;

function takeAck<T>(args: unknown[]): AckFn<T> | undefined {
  return typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn<T>) : undefined;
}

export interface LiveSocketOptions {
  access: LiveAccess;
  /** Someone subscribed: "Live now" is being looked at (previews stay fresh). */
  demand(): void;
  metrics: Metrics;
  logger: Logger;
}

export function liveSocketHandlers(options: LiveSocketOptions): SocketHandlers {
  const { access, metrics, logger } = options;
  return (ctx: SocketContext) => {
    const { socket } = ctx;
    /** Answers through the ack if there is one, else as a `room:error`. */
    const refuser =
      <T extends object>(event: string, roomId: string, ack: AckFn<{ ok: false; error: WireError } | T> | undefined) =>
      (err: unknown) => {
        if (!(err instanceof AppError)) logger.error({ err, roomId }, `${event} failed`);
        const error = toWireError(err);
        metrics.errors.inc({ code: error.code });
        if (ack) ack({ ok: false, error });
        else socket.emit('room:error', roomId, error);
      };

    ctx.on('live:subscribe', (...args: unknown[]) => {
      const ack = takeAck<LiveSubscribeAck>(args);
      if (!ctx.allow()) return ack?.({ ok: false, error: { code: 'rate_limited', message: 'too many messages' } });
      void socket.join(LIVE_CHANNEL);
      options.demand();
      ack?.({ ok: true, subscribed: true });
    });

    ctx.on('live:unsubscribe', () => {
      if (!ctx.allow()) return;
      void socket.leave(LIVE_CHANNEL);
    });

    ctx.on('room:request-edit', (...args: unknown[]) => {
      const ack = takeAck<RequestEditAck>(args);
      const roomId = typeof args[0] === 'string' ? args[0].slice(0, 64) : '';
      const refuse = refuser('room:request-edit', roomId, ack);
      if (!ctx.allow()) return refuse(new AppError('rate_limited', 'too many messages'));
      if (!roomArg.safeParse(args[0]).success || args.length !== 1) {
        return refuse(new AppError('bad_request', 'room:request-edit takes (roomId, ack)'));
      }
      const joined = ctx.joined(roomId);
      if (!joined) return refuse(new AppError('forbidden', 'join the room first'));
      return access.requestEdit(roomId, joined.participant.user).then(() => ack?.({ ok: true, requested: true }), refuse);
    });

    ctx.on('room:grant', (...args: unknown[]) => {
      const ack = takeAck<GrantAck>(args);
      const roomId = typeof args[0] === 'string' ? args[0].slice(0, 64) : '';
      const refuse = refuser('room:grant', roomId, ack);
      if (!ctx.allow()) return refuse(new AppError('rate_limited', 'too many messages'));
      const parsed = grantArgsSchema.safeParse(args);
      if (!parsed.success) return refuse(new AppError('bad_request', "room:grant takes (roomId, userId, 'editor' | 'viewer', ack)"));
      const [, userId, role] = parsed.data;
      const me = socket.data.identity?.user;
      if (!me) return refuse(new AppError('unauthorized', 'a session token is required'));
      return access.grant(roomId, me.id, userId, role).then(() => ack?.({ ok: true, userId, role }), refuse);
    });
  };
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
export function serveLive(socketIo: SocketIoTransport, live: Live, registry: RoomRegistry, metrics: Metrics, logger: Logger): void {
  socketIo.handle(liveSocketHandlers({ access: live.access, demand: live.demand, metrics, logger }));
  const broadcaster = new LiveBroadcaster(socketIo.io);
  live.rooms.listen(broadcaster);
  live.access.listen(broadcaster);
  registry.events.add(broadcaster);
  live.rooms.watchedBy(() => (socketIo.io.of('/').adapter.rooms.get(LIVE_CHANNEL)?.size ?? 0) > 0);
}
