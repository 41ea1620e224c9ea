// Ids come from a pool of random bytes drawn many ids at a time: every one
// must still be 128 fresh bits, across refills of the pool.
import { describe, expect, it } from 'vitest';
import { randomId } from '../server/ids.ts';

describe('randomId', () => {
  it('gives distinct 22-character base64url ids across several refills of its pool', () => {
    const ids = Array.from({ length: 1000 }, () => randomId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Each id decodes to its own 16 bytes: no two share a byte-for-byte slice of the pool.
    const bytes = new Set(ids.map((id) => Buffer.from(id, 'base64url').toString('hex')));
    expect(bytes.size).toBe(ids.length);
    expect(Buffer.from(ids[0]!, 'base64url').byteLength).toBe(16);
  });
});
