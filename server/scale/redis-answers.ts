// Redis paused rather than down: its connections stay open and nothing comes
// back (CLIENT PAUSE, DEBUG SLEEP, a stopped process, a host that froze).
// node-redis sees a ready client and waits for an answer as long as it takes,
// and so would every request that asks Redis something ("Live now", a rate
// limit, a sign-in) and a node's shutdown. So a command sent through a view
// (`view`) has a deadline: past it, it fails with RedisNoAnswer and Redis
// counts as paused. A paused Redis is one its users treat as away: the view
// says it is not ready, which each user already checks before asking and
// answers as for an outage (docs/scaling.md, "Redis paused"). One PING waits
// for Redis to wake; its answer, or the connection coming back, ends the pause.
//
// A deadline gives up waiting; it takes nothing back: the command reaches Redis
// when it wakes, and each user bears that (a write applied late is rewritten
// by what waited for Redis since, a read's answer is dropped).
import type { Logger } from 'pino';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { Redis } from './redis-client.ts';

/** A command Redis did not answer within the deadline: to its caller, Redis is away. */
export class RedisNoAnswer extends Error {
  constructor(deadlineMs: number) {
    super(`redis did not answer within ${deadlineMs} ms`);
    this.name = 'RedisNoAnswer';
  }
}

export interface AnswerEvents {
  /** A command missed its deadline with the connection up: Redis counts as paused from now on. */
  paused?(): void;
  /** Redis answered again after a pause. */
  resumed?(): void;
}

export interface RedisAnswersDeps {
  /** The connection the wake-up PING is sent on (the commands'). */
  probe: Redis;
  /** How long a command may go unanswered (REDIS_COMMAND_TIMEOUT_MS). */
  deadlineMs: number;
  logger: Logger;
}

export class RedisAnswers {
  readonly #deps: RedisAnswersDeps;
  readonly #listeners: Listeners<AnswerEvents>;
  #paused = false;

  constructor(deps: RedisAnswersDeps) {
    this.#deps = deps;
    this.#listeners = new Listeners(deps.logger, 'redis answers');
    // A connection that is ready again answered its handshake: Redis is awake.
    deps.probe.on('ready', () => this.#resume());
  }

  /** True from a missed deadline until Redis answers again. */
  get paused(): boolean {
    return this.#paused;
  }

  get events(): Subscribable<AnswerEvents> {
    return this.#listeners;
  }

  /** The command's answer, or RedisNoAnswer once the deadline has passed without one. */
  within<T>(command: Promise<T>): Promise<T> {
    const { deadlineMs } = this.#deps;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        // After this turn's I/O, not at once: an answer that came while the
        // loop was busy elsewhere longer than the deadline is read first, not
        // taken for a pause.
        setImmediate(() => {
          if (settled) return;
          settled = true;
          this.#pause();
          reject(new RedisNoAnswer(deadlineMs));
        });
      }, deadlineMs);
      command.then(
        (value) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          reject(err);
        },
      );
    });
  }

  /**
   * `client` as request paths see it: ready only while Redis answers, and
   * every command it sends given the deadline. Everything else is the client's own,
   * so what answers with no Promise (`multi()` then `exec`, `scanIterator`) has no deadline.
   */
  view(client: Redis): Redis {
    return new Proxy(client, {
      get: (target, prop) => {
        if (prop === 'isReady') return target.isReady && !this.#paused;
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise ? this.within(result) : result;
        };
      },
    });
  }

  /**
   * `client` ready only while Redis answers, its commands as they are: for a
   * user that waits for no answer (the relay's publishes) and checks readiness
   * to drop what a paused Redis would pile up.
   */
  readiness(client: Redis): Redis {
    return new Proxy(client, {
      get: (target, prop) => {
        if (prop === 'isReady') return target.isReady && !this.#paused;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  #pause(): void {
    const { probe, deadlineMs, logger } = this.#deps;
    // Not ready: down, not paused, and its users know it already.
    if (this.#paused || !probe.isReady) return;
    this.#paused = true;
    logger.warn({ deadlineMs }, 'redis answers no more (paused?): requests treat it as away until it answers again');
    this.#listeners.emit('paused');
    // Answered in order: this answer comes after those of every command sent before it.
    probe.ping().then(
      () => this.#resume(),
      // The connection went: its 'ready' ends the pause.
      () => undefined,
    );
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#deps.logger.info('redis answers again');
    this.#listeners.emit('resumed');
  }
}
