// Broadcasts that leave in the order their causes happened although some
// first wait for a lookup (who must not hear them: events/gallery-broadcaster.ts,
// live-events.ts). Each send runs after the one before it; a failed lookup
// sends nothing, since nobody can be left out safely, and the next goes on.
import type { Logger } from 'pino';

export class InOrder {
  readonly #logger: Logger;
  readonly #what: string;
  #last: Promise<void> = Promise.resolve();

  constructor(logger: Logger, what: string) {
    this.#logger = logger;
    this.#what = what;
  }

  /** Sends now if nothing waits before it, else after what does. */
  send(send: () => void): void {
    this.#last = this.#last.then(send).catch((err: unknown) => this.#logger.error({ err }, `${this.#what} failed`));
  }

  /**
   * Sends once `lookup` is known and everything before it has gone. The lookup
   * runs meanwhile (it was started by the caller); if it fails, this is not sent.
   */
  sendWith<T>(lookup: Promise<T>, send: (found: T) => void, context: object): void {
    // Handled at once: a lookup failing while earlier sends still wait is not an unhandled rejection.
    const settled = lookup.then(
      (found) => ({ found }),
      (err: unknown) => ({ err }),
    );
    this.#last = this.#last
      .then(() => settled)
      .then((result) => {
        if ('err' in result) {
          this.#logger.warn({ err: result.err, ...context }, `${this.#what}: who must not hear it is unknown; not sent`);
          return;
        }
        send(result.found);
      })
      .catch((err: unknown) => this.#logger.error({ err }, `${this.#what} failed`));
  }

  /** Waits for the sends in flight (tests, shutdown). */
  idle(): Promise<void> {
    return this.#last;
  }
}
