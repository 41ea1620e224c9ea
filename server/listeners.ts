// The one way a module tells others what happened. A listener is an object
// with optional methods, one per event (`{docUpdate?(…), roomUnloaded?(…)}`);
// each is called in turn, and whatever one throws or rejects with is logged
// and stops only that listener: the module that emits never sees it, so one
// bad observer cannot break a room, a job or a feed for everyone else.
import type { Logger } from 'pino';

type Handler = (...args: never[]) => unknown;

/** The names of L's methods. */
export type EventName<L> = { [K in keyof L]-?: NonNullable<L[K]> extends Handler ? K : never }[keyof L];
/** The arguments of L's method K. */
export type EventArgs<L, K extends keyof L> = NonNullable<L[K]> extends (...args: infer A) => unknown ? A : never;

/** What a module shows to the outside: anyone may listen, only the module emits. */
export interface Subscribable<L extends object> {
  /** Adds a listener; the returned function removes it again. */
  add(listener: L): () => void;
}

export class Listeners<L extends object> implements Subscribable<L> {
  /** Replaced, never mutated, so an emit in progress keeps the list it started with. */
  #listeners: readonly L[] = [];
  readonly #logger: Logger;
  readonly #what: string;

  /** `what` names the emitter in the log line of a failed listener. */
  constructor(logger: Logger, what: string, initial: readonly L[] = []) {
    this.#logger = logger;
    this.#what = what;
    this.#listeners = [...initial];
  }

  get size(): number {
    return this.#listeners.length;
  }

  add(listener: L): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Calls every listener's `event` method, without waiting: a returned promise
   * is only watched for rejection.
   */
  emit<K extends EventName<L>>(event: K, ...args: EventArgs<L, K>): void {
    for (const listener of this.#listeners) {
      const method = this.#method(listener, event);
      if (!method) continue;
      try {
        const result = method.apply(listener, args);
        if (result instanceof Promise) result.catch((err: unknown) => this.#failed(event, err));
      } catch (err) {
        this.#failed(event, err);
      }
    }
  }

  /** Calls every listener's `event` method one after another, awaiting each. Never rejects. */
  async emitInOrder<K extends EventName<L>>(event: K, ...args: EventArgs<L, K>): Promise<void> {
    for (const listener of this.#listeners) {
      const method = this.#method(listener, event);
      if (!method) continue;
      try {
        await method.apply(listener, args);
      } catch (err) {
        this.#failed(event, err);
      }
    }
  }

  #method<K extends EventName<L>>(listener: L, event: K): ((...args: EventArgs<L, K>) => unknown) | undefined {
    const method: unknown = listener[event];
    return typeof method === 'function' ? (method as (...args: EventArgs<L, K>) => unknown) : undefined;
  }

  #failed(event: PropertyKey, err: unknown): void {
    this.#logger.error({ err, emitter: this.#what, event: String(event) }, 'listener failed');
  }
}
