// A room's events reach its members after the document changes they refer to.
// A job's images are a change the server makes to the room, and its
// `gen:update` announcing them follows in the same turn; but the room sends
// this turn's changes at the turn's end (rooms/persistence/turn-end.ts), and
// holds them longer still for its spectators (rooms/spectator-feed.ts). On a
// node other than the job's, the images arrive as relayed changes, held like
// anyone's, while the event comes through the Socket.IO adapter, a path of its
// own. So before any event to a room's channel, on every node and both
// transports (events/broadcast.ts calls this for this node's emits and for
// other nodes' as they arrive): the turn's changes go out now, to the makers
// here and to other nodes through the relay (ahead of the event, on the same
// Redis connection), and the room's spectators get what is held for them.
// And another node's event to a room waits until the relay has brought what
// that node published before it: the relay and the adapter's stream reach
// this node on two connections, and the stream's can come first.
import type { EventOrder } from './broadcast.ts';
import { roomOfChannel } from './channels.ts';

export interface ChangesFirstDeps {
  /** The turn's pending fan-out (persistence/turn-end.ts): runs it now. */
  turn: { run(): void };
  /** Sends the room's held changes and presence to its spectators now. */
  spectators: { flushRoom(roomId: string): void };
  /** Scaled mode: resolves once what other nodes relayed before now is applied here (scale/redis-relay.ts). */
  relay?: { caughtUp(): Promise<void> };
}

export function changesFirst({ turn, spectators, relay }: ChangesFirstDeps): EventOrder {
  return {
    arrived(channels) {
      if (!relay || !channels.some((channel) => roomOfChannel(channel) !== undefined)) return undefined;
      return relay.caughtUp();
    },
    beforeEvent(channels) {
      let ran = false;
      for (const channel of channels) {
        const roomId = roomOfChannel(channel);
        if (roomId === undefined) continue;
        if (!ran) turn.run();
        ran = true;
        spectators.flushRoom(roomId);
      }
    },
  };
}
