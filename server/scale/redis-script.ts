// A Lua script run by its SHA, loaded on first use and again whenever Redis
// answers NOSCRIPT (a restarted Redis has forgotten it).
import type { Redis } from './redis-client.ts';

export class RedisScript {
  readonly #source: string;
  #sha: string | undefined;

  constructor(source: string) {
    this.#source = source;
  }

  async run(client: Redis, keys: string[], args: string[]): Promise<unknown> {
    const options = { keys, arguments: args };
    this.#sha ??= await client.scriptLoad(this.#source);
    try {
      return await client.evalSha(this.#sha, options);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      this.#sha = await client.scriptLoad(this.#source);
      return client.evalSha(this.#sha, options);
    }
  }
}
