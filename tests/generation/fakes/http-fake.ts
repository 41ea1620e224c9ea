// The part every hosted-API fake shares: a server on port 0 that records each
// request (JSON or multipart), answers through the fake's handler, serves the
// images the fake made under /files/, and closes when the test finishes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { onTestFinished } from 'vitest';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** JSON body, or the text fields of a multipart body. */
  body: Record<string, unknown>;
  /** Files of a multipart body: field name → bytes. */
  files: Record<string, Uint8Array>;
}

export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>;

export interface HttpFake {
  url: string;
  requests: Recorded[];
  /** Stores an image and returns its URL on this server. */
  file(png: Buffer): string;
}

export async function startHttpFake(handler: Handler): Promise<HttpFake> {
  const files = new Map<string, Buffer>();
  const fake: HttpFake = {
    url: '',
    requests: [],
    file: (png) => {
      const name = `${files.size + 1}.png`;
      files.set(name, png);
      return `${fake.url}/files/${name}`;
    },
  };
  const server = createServer((req, res) => {
    void (async () => {
      const recorded = await record(req);
      const file = recorded.path.startsWith('/files/') ? files.get(recorded.path.slice('/files/'.length)) : undefined;
      if (file) {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(file);
        return;
      }
      fake.requests.push(recorded);
      await handler(recorded, res);
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
    });
  });
  fake.url = await listenForTest(server);
  return fake;
}

/**
 * Listens on a free port of 127.0.0.1 and returns the server's origin. When the test finishes, `first` runs (a fake
 * lets go of what it holds), then open connections are cut and the server closes.
 */
export async function listenForTest(server: Server, first: () => void = () => undefined): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    first();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function png(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

async function record(req: IncomingMessage): Promise<Recorded> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://fake');
  const type = req.headers['content-type'] ?? '';
  const recorded: Recorded = { method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers, body: {}, files: {} };
  if (type.startsWith('application/json') && raw.length > 0) {
    recorded.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } else if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(raw),
    }).formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') recorded.body[name] = value;
      else recorded.files[name] = new Uint8Array(await value.arrayBuffer());
    }
  }
  return recorded;
}
