// Sign-ins in progress in scaled mode: a challenge or state put by one node
// can be taken by any, exactly once (GETDEL), and lapses with its TTL.
import type { Logger } from 'pino';
import type { ChallengeStore } from '../auth/challenges.ts';
import { AppError } from '../errors.ts';
import type { Redis } from './redis-client.ts';

export class RedisChallengeStore implements ChallengeStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;

  constructor(client: Redis, prefix: string, logger: Logger) {
    this.#client = client;
    this.#prefix = `${prefix}auth:`;
    this.#logger = logger;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#run(() => this.#client.set(this.#prefix + key, value, { expiration: { type: 'PX', value: ttlMs } }));
  }

  async take(key: string): Promise<string | null> {
    return this.#run(() => this.#client.getDel(this.#prefix + key));
  }

  /** Without Redis no node could finish a sign-in another began: say so rather than half-work. */
  async #run<T>(command: () => Promise<T>): Promise<T> {
    if (!this.#client.isReady) throw new AppError('unavailable', 'signing in is unavailable for a moment; try again shortly');
    try {
      return await command();
    } catch (err) {
      this.#logger.warn({ err }, 'sign-in state unavailable');
      throw new AppError('unavailable', 'signing in is unavailable for a moment; try again shortly', { cause: err });
    }
  }
}
