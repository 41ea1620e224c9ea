// An outage of a backing service (PostgreSQL) is one event, not one per retry:
// while it lasts, every open room retries its appends and every idle pooled
// connection reports its loss, which used to print an error line each. This
// logs the first failure of an outage, counts the rest, and logs the recovery
// with that count and how long it lasted.
import type { Logger } from 'pino';

export class OutageLog {
  readonly #what: string;
  readonly #logger: Logger;
  #since: number | undefined;
  #failures = 0;

  /** `what` names the service in the two log lines, e.g. `postgresql`. */
  constructor(what: string, logger: Logger) {
    this.#what = what;
    this.#logger = logger;
  }

  get down(): boolean {
    return this.#since !== undefined;
  }

  /** Failed attempts in the outage under way (0 when there is none). */
  get failures(): number {
    return this.#failures;
  }

  /** An attempt failed: the first of an outage is logged with its error, the rest are counted. */
  failed(err: unknown, context: Record<string, unknown> = {}): void {
    this.#failures++;
    if (this.#since !== undefined) {
      this.#logger.debug({ err, ...context, failedAttempts: this.#failures }, `${this.#what} still unavailable`);
      return;
    }
    this.#since = Date.now();
    this.#logger.error({ err, ...context }, `${this.#what} unavailable; retrying (logged again when it is back)`);
  }

  /** An attempt succeeded: ends the outage under way, if any. */
  succeeded(): void {
    if (this.#since === undefined) return;
    const downMs = Date.now() - this.#since;
    this.#logger.warn({ failedAttempts: this.#failures, downMs }, `${this.#what} available again`);
    this.#since = undefined;
    this.#failures = 0;
  }
}
