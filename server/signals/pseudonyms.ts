// Stable pseudonyms for exports: a keyed hash (HMAC-SHA256) of an id, so the
// same user or room reads the same in every export made with the same key,
// yet nobody without the key can tell who or which room it is, nor check a guess.
import { createHmac } from 'node:crypto';

/** 128 bits of the HMAC, hex. */
const PSEUDONYM_HEX = 32;

export class Pseudonyms {
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
  }

  user(id: string): string {
    return this.#hash('user', id);
  }

  /** Room ids are capabilities (the link is the key to the room): an export never shows one. */
  room(id: string): string {
    return this.#hash('room', id);
  }

  #hash(domain: string, id: string): string {
    // The domain keeps a user and a room with the same id apart.
    return createHmac('sha256', this.#key).update(`${domain}\u0000${id}`).digest('hex').slice(0, PSEUDONYM_HEX);
  }
}
