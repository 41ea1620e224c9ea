// Image uploads from a seeded generator: small real images of every accepted
// format (and SVG, which is not), their bytes flipped, truncated, spliced and
// repeated as the fuzzer mutates frames, and headers that claim huge sizes.
// Decoding is native code (libvips): every answer must still be typed (201,
// or a 4xx with `{error: {code}}`), never a 5xx, and the server must stay up.
import { expect, it } from 'vitest';
import { mutateBytes } from '../../scripts/fuzz/mutate-bytes.ts';
import { Random } from '../../scripts/fuzz/random.ts';
import { loadSharp } from '../../server/media/sharp.ts';
import type { WireError } from '../../shared/protocol.ts';
import { api, startServer } from '../helpers/server.ts';

const SEED = 20261207;
const REQUESTS = 300;
const UNLIMITED = { HTTP_REQUESTS_PER_MINUTE: '1000000', UPLOADS_PER_MINUTE: '1000000' };

async function seeds(): Promise<Buffer[]> {
  const sharp = await loadSharp();
  const base = sharp({ create: { width: 9, height: 7, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 0.5 } } });
  const images = await Promise.all([
    base.clone().png().toBuffer(),
    base.clone().jpeg().toBuffer(),
    base.clone().webp().toBuffer(),
    base.clone().gif().toBuffer(),
    base.clone().tiff().toBuffer(),
    base.clone().avif().toBuffer(),
  ]);
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="7"><rect width="9" height="7"/></svg>');
  return [...images, svg, pngClaiming(100_000, 100_000), pngClaiming(0, 0), pngClaiming(2 ** 31 - 1, 1)];
}

/** A PNG signature and an IHDR chunk claiming a size, and nothing else (a bad CRC too). */
function pngClaiming(width: number, height: number): Buffer {
  const header = Buffer.alloc(8 + 25);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  header[24] = 8;
  header[25] = 6;
  return header;
}

it('mutated and lying image uploads get typed answers, never a 5xx, and the server stays up', async () => {
  const server = await startServer(UNLIMITED);
  const http = api(server.url);
  const ann = await http.session('Ann');
  const { room } = await http.room(ann.token);
  const originals = await seeds();
  const random = new Random(SEED);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const original = random.pick(originals);
    const { bytes, kind } = random.chance(0.1) ? { bytes: original, kind: 'original' } : mutateBytes(random, original, originals);
    const res = await fetch(`${server.url}/api/rooms/${room.id}/media`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ann.token}`, 'Content-Type': random.pick(['image/png', 'application/octet-stream', '']) },
      body: Buffer.from(bytes),
    });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const code = res.status === 201 ? 'ok' : (JSON.parse(text || 'null') as { error?: WireError } | null)?.error?.code;
    if (res.status >= 500 || typeof code !== 'string')
      failures.push(`${res.status} for ${kind} of a ${original.subarray(0, 4).toString('hex')}: ${text.slice(0, 200)}`);
  }
  expect(failures).toEqual([]);
  // Some went in whole, and some were refused as what they are.
  expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}, 120_000);
