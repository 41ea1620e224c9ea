// Who may moderate: the users MODERATORS names, by id or by handle. Handles
// are resolved each time someone asks, so a handle claimed after start-up
// (or moved to another person) counts at once.
import type { HandleLookup } from './handles.ts';

export class Moderators {
  readonly #ids: Set<string>;
  readonly #handles: Set<string>;
  readonly #lookup: HandleLookup;

  /** `names`: MODERATORS, each a user id or a handle (with or without `@`). */
  constructor(names: readonly string[], lookup: HandleLookup) {
    this.#ids = new Set(names.map((n) => n.trim()).filter(Boolean));
    this.#handles = new Set([...this.#ids].map((n) => n.replace(/^@/, '').toLowerCase()));
    this.#lookup = lookup;
  }

  async isModerator(userId: string | null): Promise<boolean> {
    if (userId === null) return false;
    if (this.#ids.has(userId)) return true;
    if (this.#handles.size === 0) return false;
    const handle = await this.#lookup.handleOf(userId);
    return handle !== null && this.#handles.has(handle.toLowerCase());
  }
}
