// Server events to channels (events/channels.ts), on both transports, on
// every node: `to(channel).except(channel).emit(event, …args)`. Socket.IO
// sockets hear it through Socket.IO (its adapter crosses nodes in scaled
// mode); Yjs WebSockets that opted into events (EventMember) are tracked here,
// per channel, and hear it as one encoded frame shared by all of them. In
// scaled mode other nodes' event members hear it from the Socket.IO broadcast
// itself, as their adapter reads it from the stream
// (socketio/adapter-events.ts): one message between nodes for both transports.
import type { ServerToClientEvents } from '../../../shared/protocol.ts';
import type { AtelierServer } from '../socketio/socketio-server.ts';
import { eventFrame } from '../yjs-websocket/event-frame.ts';

/** A connection on the Yjs WebSocket that hears events (yjs-websocket/event-socket.ts). */
export interface EventMember {
  /** Its own channel: `local.to(id)` reaches it alone, `except(id)` leaves it out. */
  readonly id: string;
  /** One event's WebSocket frame (yjs-websocket/event-frame.ts), the same buffer for every recipient. */
  sendEvent(frame: Buffer): void;
}

interface UntypedEmit {
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * What must reach this node's connections on some channels before an event on
 * them does, on both transports, whichever node sent it.
 */
export interface EventOrder {
  /**
   * Another node's event on these channels has arrived: resolves once what
   * that node sent before it by other paths is here too; undefined when
   * nothing need wait. Its delivery, and every later one, waits for it.
   */
  arrived(channels: readonly string[]): Promise<void> | undefined;
  /** Called with the event's channels just before it goes to them. */
  beforeEvent(channels: readonly string[]): void;
}

type EventName = keyof ServerToClientEvents;
type EventArgs<E extends EventName> = Parameters<ServerToClientEvents[E]>;

export class Broadcast {
  readonly #io: AtelierServer;
  readonly #order: EventOrder | undefined;
  /** This node's event members by channel; empty while no client opted in (emits then cost nothing more). */
  readonly #members = new Map<string, Set<EventMember>>();

  constructor(io: AtelierServer, order?: EventOrder) {
    this.#io = io;
    this.#order = order;
  }

  /** To every connection on `channels`, on every node. */
  to(channels: string | readonly string[]): BroadcastEmit {
    return new BroadcastEmit(this, toArray(channels), [], false);
  }

  /** To this node's connections only (a change every node applies to its own, such as a role). */
  get local(): { to(channels: string | readonly string[]): BroadcastEmit } {
    return { to: (channels) => new BroadcastEmit(this, toArray(channels), [], true) };
  }

  /** Puts an event member on a channel. */
  add(channel: string, member: EventMember): void {
    let members = this.#members.get(channel);
    if (!members) {
      members = new Set();
      this.#members.set(channel, members);
    }
    members.add(member);
  }

  remove(channel: string, member: EventMember): void {
    const members = this.#members.get(channel);
    if (!members?.delete(member)) return;
    if (members.size === 0) this.#members.delete(channel);
  }

  /** How many channels have an event member of this node (each goes with its last member). */
  get memberChannels(): number {
    return this.#members.size;
  }

  /** Whether any connection of this node, on either transport, is on `channel`. */
  hasLocal(channel: string): boolean {
    return this.#members.has(channel) || (this.#io.of('/').adapter.rooms.get(channel)?.size ?? 0) > 0;
  }

  /** Sends one emit (BroadcastEmit.emit). */
  send(channels: readonly string[], except: readonly string[], local: boolean, event: EventName, args: unknown[]): void {
    this.beforeEvent(channels);
    const io = local ? this.#io.local : this.#io;
    // Socket.IO's typed emit cannot follow a generic event name: BroadcastEmit has checked the name and arguments.
    const operator = io.to([...channels]).except([...except]) as unknown as UntypedEmit;
    operator.emit(event, ...args);
    // No event socket here: Socket.IO was all there was to do.
    if (this.#members.size === 0) return;
    this.deliverLocal(channels, except, event, JSON.stringify(args));
  }

  /** Another node's broadcast arrived: what its delivery must wait for (EventOrder.arrived). */
  arrived(channels: readonly string[]): Promise<void> | undefined {
    return this.#order?.arrived(channels);
  }

  /** What must precede an event on `channels` goes now: before this node's sockets hear another node's broadcast. */
  beforeEvent(channels: readonly string[]): void {
    this.#order?.beforeEvent(channels);
  }

  /** To this node's event members on `channels` but not on `except`: once each, one frame for all. */
  deliverLocal(channels: readonly string[], except: readonly string[], event: string, argsJson: string): void {
    if (this.#members.size === 0) return;
    const recipients = new Set<EventMember>();
    for (const channel of channels) for (const member of this.#members.get(channel) ?? []) recipients.add(member);
    if (recipients.size === 0) return;
    for (const channel of except) for (const member of this.#members.get(channel) ?? []) recipients.delete(member);
    if (recipients.size === 0) return;
    const frame = eventFrame(event, argsJson);
    for (const member of recipients) member.sendEvent(frame);
  }
}

/** One emit being addressed: `except` narrows it, `emit` sends it. */
export class BroadcastEmit {
  readonly #broadcast: Broadcast;
  readonly #channels: readonly string[];
  readonly #except: readonly string[];
  readonly #local: boolean;

  constructor(broadcast: Broadcast, channels: readonly string[], except: readonly string[], local: boolean) {
    this.#broadcast = broadcast;
    this.#channels = channels;
    this.#except = except;
    this.#local = local;
  }

  /** Leaves out the connections on `channels`. */
  except(channels: string | readonly string[]): BroadcastEmit {
    return new BroadcastEmit(this.#broadcast, this.#channels, [...this.#except, ...toArray(channels)], this.#local);
  }

  emit<E extends EventName>(event: E, ...args: EventArgs<E>): void {
    this.#broadcast.send(this.#channels, this.#except, this.#local, event, args);
  }
}

function toArray(channels: string | readonly string[]): readonly string[] {
  return typeof channels === 'string' ? [channels] : channels;
}
