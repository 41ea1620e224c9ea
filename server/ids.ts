import { randomFillSync } from 'node:crypto';

const ID_BYTES = 16;
/**
 * Random bytes drawn for this many ids at once: each draw is a system call,
 * and a join storm asks for an id per connection (Node's randomUUID pools
 * the same way).
 */
const IDS_PER_DRAW = 128;
const pool = Buffer.alloc(ID_BYTES * IDS_PER_DRAW);
let next = pool.length;

/** 128 random bits, URL-safe: 22 characters of base64url. */
export function randomId(): string {
  if (next >= pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const id = pool.toString('base64url', next, next + ID_BYTES);
  next += ID_BYTES;
  return id;
}
