// A connection's sync messages that wait, per room, while a client id they
// write under is being claimed or looked up (client-owners.ts, with several
// nodes: a round trip to PostgreSQL). Refused outright, they would reach the
// room only after the room asked the client again, and an action the client
// sent right after its edit (publish, a generation reading the prompt) would
// find the room without it. Held here, the first and every sync message after
// it go in, in order, once the owner is known; the connection's actions wait
// for that (Connection.settled). A hold is bounded: past `waitMs`, or past
// `maxBytes` held, what waits is refused with the error the claim gave it
// (`unavailable`, healing: the room asks for it again once the claim settles).
import { AppError } from '../../errors.ts';
import { belongsToAnother, ClaimPending } from '../client-owners.ts';

/** What a held update waits for: the refusal it got, whose cause says when to try again. */
export type PendingClaim = AppError & { cause: ClaimPending };

export function isPendingClaim(err: unknown): err is PendingClaim {
  return err instanceof AppError && err.cause instanceof ClaimPending;
}

export interface HeldUpdatesDeps {
  /** Longest a hold waits for a claim before its messages are refused. */
  waitMs: number;
  /** Most bytes held for one room; a message past it is refused at once. */
  maxBytes: number;
  /**
   * Offers a held sync message to the room again: the pending claim when it is
   * still (or again) waiting, else null (applied, or refused and told).
   */
  offer(roomId: string, message: Uint8Array): PendingClaim | null;
  /** Tells the client that `message`, held, was refused. */
  refuse(roomId: string, err: AppError, message: Uint8Array): void;
}

interface Hold {
  messages: Uint8Array[];
  bytes: number;
  /** The refusal that started the wait, given to what is still held when it times out. */
  pending: PendingClaim;
  timer: NodeJS.Timeout;
  /** Resolved once nothing is held: applied, or refused. */
  done: Promise<void>;
  release: () => void;
}

export class HeldUpdates {
  readonly #deps: HeldUpdatesDeps;
  readonly #rooms = new Map<string, Hold>();

  constructor(deps: HeldUpdatesDeps) {
    this.#deps = deps;
  }

  /** Whether sync messages for the room wait: a new one goes behind them (add). */
  holds(roomId: string): boolean {
    return this.#rooms.has(roomId);
  }

  /** Starts holding for the room with `message`, which `pending` refused; it is offered again once the claim settles. */
  start(roomId: string, message: Uint8Array, pending: PendingClaim): void {
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hold: Hold = { messages: [], bytes: 0, pending, timer: this.#timer(roomId), done, release };
    this.#rooms.set(roomId, hold);
    this.add(roomId, message);
    this.#await(roomId, hold);
  }

  /** Holds a sync message behind those already held for the room. */
  add(roomId: string, message: Uint8Array): void {
    const hold = this.#rooms.get(roomId);
    if (!hold) return;
    if (hold.bytes + message.byteLength > this.#deps.maxBytes && hold.messages.length > 0) {
      this.#deps.refuse(roomId, hold.pending, message);
      return;
    }
    // A copy: the transport's frame buffer is not ours past this call.
    hold.messages.push(message.slice());
    hold.bytes += message.byteLength;
  }

  /** Resolves once every message held now has been applied or refused; undefined when none is. */
  settled(): Promise<void> | undefined {
    if (this.#rooms.size === 0) return undefined;
    if (this.#rooms.size === 1) return this.#rooms.values().next().value?.done;
    return Promise.all([...this.#rooms.values()].map((hold) => hold.done)).then(() => undefined);
  }

  /** The room was left: what it held is dropped (nobody is there to apply it for). */
  drop(roomId: string): void {
    const hold = this.#rooms.get(roomId);
    if (!hold) return;
    this.#end(roomId, hold);
  }

  #timer(roomId: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const hold = this.#rooms.get(roomId);
      if (!hold) return;
      this.#end(roomId, hold);
      for (const message of hold.messages) this.#deps.refuse(roomId, hold.pending, message);
    }, this.#deps.waitMs);
    timer.unref();
    return timer;
  }

  #await(roomId: string, hold: Hold): void {
    const { clientId, userId, settled } = hold.pending.cause;
    void settled.then((owner) => {
      if (this.#rooms.get(roomId) !== hold) return;
      const first = hold.messages[0];
      // Judged as sent: the id went to someone else while it waited. Their structs may have reached the room
      // meanwhile (relayed), and the same clocks offered now would pass as already known, the sender never told.
      if (first && owner !== undefined && owner !== userId) {
        hold.messages.shift();
        hold.bytes -= first.byteLength;
        this.#deps.refuse(roomId, belongsToAnother(clientId), first);
      }
      this.#offer(roomId, hold);
    });
  }

  /** Offers what is held, in order; a message still waiting (another id, another claim) waits again with the rest behind it. */
  #offer(roomId: string, hold: Hold): void {
    while (hold.messages.length > 0) {
      const message = hold.messages[0] as Uint8Array;
      const pending = this.#deps.offer(roomId, message);
      // The room was left while offering: #end already ran.
      if (this.#rooms.get(roomId) !== hold) return;
      if (pending) {
        hold.pending = pending;
        clearTimeout(hold.timer);
        hold.timer = this.#timer(roomId);
        this.#await(roomId, hold);
        return;
      }
      hold.messages.shift();
      hold.bytes -= message.byteLength;
    }
    this.#end(roomId, hold);
  }

  #end(roomId: string, hold: Hold): void {
    clearTimeout(hold.timer);
    this.#rooms.delete(roomId);
    hold.release();
  }
}
