// Uploads (POST /api/rooms/:id/media) and serving (GET /media/:file) against
// hostile input: non-images, oversized bodies, decompression bombs, paths that
// try to leave the store.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { api, startServer, type TestEnv } from '../helpers/server.ts';

async function room(env: TestEnv = {}) {
  const server = await startServer(env);
  const http = api(server.url);
  const ann = await http.session('Ann');
  const created = await http.room(ann.token);
  const upload = (body: Uint8Array | string, options: { token?: string; type?: string; roomId?: string } = {}) =>
    fetch(`${server.url}/api/rooms/${options.roomId ?? created.room.id}/media`, {
      method: 'POST',
      headers: {
        ...(options.token === '' ? {} : { Authorization: `Bearer ${options.token ?? ann.token}` }),
        'Content-Type': options.type ?? 'application/octet-stream',
      },
      body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
    });
  return { server, http, ann, room: created.room, upload };
}

async function error(res: Response, status: number, code: string): Promise<string> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  return body.error.message;
}

/** A PNG whose header claims width × height of 8-bit grey, with only `rows` rows of data: tiny file, huge image. */
function bomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const rows = deflateSync(Buffer.alloc((width + 1) * 64), { level: 9 });
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('image uploads', () => {
  it('re-encodes an upload, strips its metadata and answers {url, width, height}', async () => {
    const { server, upload } = await room();
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#36c' } })
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'secret camera owner', Artist: 'Someone' } } })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const res = await upload(photo, { type: 'image/jpeg' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { url: string; width: number; height: number };
    // Orientation 6 is a quarter turn: applied, then forgotten.
    expect(body).toEqual({ url: expect.stringMatching(/^\/media\/[0-9a-f]{64}\.webp$/), width: 200, height: 300 });
    const stored = (await server.media.readUrl(body.url))!;
    const meta = await sharp(stored).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.orientation]).toEqual(['webp', 200, 300, undefined, undefined]);
    expect(stored.includes('secret camera owner')).toBe(false);

    const transparent = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } })
      .png()
      .toBuffer();
    const alpha = (await (await upload(transparent)).json()) as { url: string };
    expect(alpha.url).toMatch(/\.png$/);
    expect((await fetch(server.url + alpha.url)).headers.get('content-type')).toBe('image/png');
  });

  it('refuses what is not an image, SVG, empty and JSON bodies', async () => {
    const { upload } = await room();
    expect(await error(await upload('hello, not an image', { type: 'image/png' }), 400, 'bad_request')).toContain('not an image');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
    expect(await error(await upload(svg, { type: 'image/svg+xml' }), 400, 'bad_request')).toContain('SVG');
    await error(await upload(new Uint8Array(0)), 400, 'bad_request');
    await error(await upload(JSON.stringify({ image: 'x' }), { type: 'application/json' }), 400, 'bad_request');
    const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await error(await upload(png.subarray(0, png.length - 30)), 400, 'bad_request');
  });

  it('refuses a body over MAX_UPLOAD_BYTES with too_large', async () => {
    const { upload } = await room({ MAX_UPLOAD_BYTES: '2048' });
    const noisy = await sharp(randomBytes(64 * 64 * 3), { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    expect(noisy.length).toBeGreaterThan(2048);
    await error(await upload(noisy), 413, 'too_large');
  });

  it('refuses decompression bombs from their header, and anything over MAX_UPLOAD_PIXELS', async () => {
    const { upload } = await room({ MAX_UPLOAD_PIXELS: '1000000' });
    const huge = bomb(60_000, 60_000);
    expect(huge.length).toBeLessThan(10_000);
    expect(await error(await upload(huge), 413, 'too_large')).toContain('3600000000 pixels');
    const wide = await sharp({ create: { width: 2000, height: 600, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(await error(await upload(wide), 413, 'too_large')).toContain('at most 1000000');
    const fits = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect((await upload(fits)).status).toBe(201);
  });

  it('lets only editors of an existing room upload, at most UPLOADS_PER_MINUTE times', async () => {
    const { http, ann, room: viewOnly, upload } = await room({ UPLOADS_PER_MINUTE: '3' });
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const vic = await http.session('Vic');
    await http.json('PATCH', `/api/rooms/${viewOnly.id}`, { token: ann.token, body: { linkAccess: 'view' } });
    await error(await upload(png, { token: vic.token }), 403, 'forbidden');
    await error(await upload(png, { token: '' }), 401, 'unauthorized');
    await error(await upload(png, { roomId: 'A'.repeat(22) }), 404, 'not_found');
    await error(await upload(png, { roomId: 'not-a-room' }), 404, 'not_found');
    expect((await upload(png)).status).toBe(201);
    await error(await upload(png), 429, 'rate_limited');
  });
});

describe('GET /media/:file', () => {
  /** A raw request, so the path reaches the server exactly as written. */
  function raw(
    url: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url + path, { method: 'GET', headers }, (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves stored files immutably, and nothing else from anywhere', async () => {
    const { server, upload } = await room();
    const png = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#0f0' } })
      .png()
      .toBuffer();
    const { url } = (await (await upload(png)).json()) as { url: string };
    const hash = url.slice('/media/'.length, -'.png'.length);

    const ok = await raw(server.url, url);
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({
      'content-type': 'image/png',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${hash}"`,
    });
    expect((await raw(server.url, url, { 'If-None-Match': `"${hash}"` })).status).toBe(304);

    const secret = readFileSync(`${server.config.dataDir}/session-secret`, 'utf8').trim();
    const attempts = [
      '/media/../atelier.db',
      '/media/..%2Fatelier.db',
      '/media/..%2f..%2fsession-secret',
      '/media/%2e%2e%2fsession-secret',
      '/media/..%5Csession-secret',
      '/media/....%2F%2Fsession-secret',
      `/media/${hash}.png%00.txt`,
      `/media/${hash}.png%2F..%2F..%2Fsession-secret`,
      `/media/${hash.toUpperCase()}.png`,
      `/media/${hash}.gif`,
      `/media/${hash}.PNG`,
      `/media/${hash}`,
      `/media/.${hash}.png.0123456789ab.tmp`,
      '/media/%2Fetc%2Fpasswd',
      '/media/',
      '/media/session-secret',
    ];
    for (const path of attempts) {
      const res = await raw(server.url, path);
      expect([400, 404], path).toContain(res.status);
      expect(res.body, path).not.toContain(secret);
      expect(res.body, path).not.toContain('SQLite format');
      expect(res.body, path).not.toContain('\x89PNG');
      expect(JSON.parse(res.body), path).toHaveProperty('error.code');
    }
    const missing = await raw(server.url, `/media/${'0'.repeat(64)}.png`, { 'If-None-Match': `"${'0'.repeat(64)}"` });
    expect(missing.status).toBe(404);
  });
});
