// Cross-site WebSocket hijacking: a page on another site must not open either
// transport with the visitor's credentials. Handshakes with a foreign Origin are
// refused; the server's own origin, PUBLIC_URL and CORS_ORIGINS pass, and so do
// clients that send no Origin at all (non-browser clients).
import type { IncomingMessage } from 'node:http';
import { io } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { originCheck } from '../../server/realtime/origin-check.ts';
import { api, startServer } from '../helpers/server.ts';

const PUBLIC_URL = 'https://atelier.example/';
const CORS_ORIGIN = 'https://app.example:8443';
const FOREIGN = 'https://evil.example';

type Outcome = 'open' | 'refused';

/** Opens a Socket.IO connection over one engine.io transport, sending `origin` if given. */
function socketIoHandshake(url: string, token: string, transport: 'websocket' | 'polling', origin?: string): Promise<Outcome> {
  const socket = io(url, {
    auth: { token },
    transports: [transport],
    forceNew: true,
    reconnection: false,
    upgrade: false,
    extraHeaders: origin === undefined ? {} : { Origin: origin },
  });
  onTestFinished(() => {
    socket.disconnect();
  });
  return new Promise((resolve) => {
    socket.on('connect', () => resolve('open'));
    socket.on('connect_error', () => resolve('refused'));
  });
}

/** Opens the Yjs WebSocket of a room, sending `origin` if given. */
function yjsHandshake(url: string, token: string, roomId: string, origin?: string): Promise<Outcome> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${roomId}?token=${token}`, origin === undefined ? {} : { origin });
  onTestFinished(() => ws.terminate());
  // Terminating a refused socket reports "closed before established": the outcome is already known.
  ws.on('error', () => undefined);
  return new Promise((resolve) => {
    ws.once('open', () => resolve('open'));
    // Refused means the upgrade answered 403, not any failure to connect.
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode === 403 ? 'refused' : 'open'));
  });
}

describe('handshake Origin', () => {
  it('both transports: no Origin, own origin, PUBLIC_URL and CORS_ORIGINS open; a foreign or null Origin is refused', async () => {
    const server = await startServer({ PUBLIC_URL, CORS_ORIGINS: `https://other.example,${CORS_ORIGIN}` });
    const http = api(server.url);
    const { token } = await http.session('Alice');
    const { room } = await http.room(token);
    const own = new URL(server.url).origin;
    const cases: [string | undefined, Outcome][] = [
      [undefined, 'open'],
      [own, 'open'],
      [PUBLIC_URL.replace(/\/$/, ''), 'open'],
      [CORS_ORIGIN, 'open'],
      [FOREIGN, 'refused'],
      // Same host name, another port: another origin.
      [`http://127.0.0.1:${server.port + 1}`, 'refused'],
      ['null', 'refused'],
    ];
    for (const [origin, expected] of cases) {
      expect([origin, await socketIoHandshake(server.url, token, 'websocket', origin)]).toEqual([origin, expected]);
      expect([origin, await socketIoHandshake(server.url, token, 'polling', origin)]).toEqual([origin, expected]);
      expect([origin, await yjsHandshake(server.url, token, room.id, origin)]).toEqual([origin, expected]);
    }
  });

  it('a refused handshake counts as forbidden and leaves the server serving', async () => {
    const server = await startServer();
    const http = api(server.url);
    const { token } = await http.session('Alice');
    const { room } = await http.room(token);
    expect(await yjsHandshake(server.url, token, room.id, FOREIGN)).toBe('refused');
    expect(await socketIoHandshake(server.url, token, 'websocket', FOREIGN)).toBe('refused');
    const metrics = await (await http.request('GET', '/metrics')).text();
    expect(metrics).toMatch(/atelier_errors_total\{code="forbidden"\} 2/);
    expect(await yjsHandshake(server.url, token, room.id)).toBe('open');
  });
});

describe('originCheck', () => {
  const request = (headers: IncomingMessage['headers']) => ({ headers }) as IncomingMessage;

  it('compares the Origin with the Host the browser addressed, default ports included', () => {
    const check = originCheck({ publicUrl: undefined, corsOrigins: [], trustProxy: false });
    expect(check(request({ host: 'atelier.example', origin: 'https://atelier.example' }))).toBe(true);
    expect(check(request({ host: 'atelier.example:443', origin: 'https://atelier.example' }))).toBe(true);
    expect(check(request({ host: 'atelier.example:8080', origin: 'https://atelier.example' }))).toBe(false);
    expect(check(request({ host: 'atelier.example', origin: 'https://atelier.example.evil.example' }))).toBe(false);
    expect(check(request({ host: 'atelier.example', origin: 'chrome-extension://atelier.example' }))).toBe(false);
    expect(check(request({ origin: 'https://atelier.example' }))).toBe(false);
    expect(check(request({ host: 'atelier.example', origin: 'not a url' }))).toBe(false);
  });

  it('behind a trusted proxy, X-Forwarded-Host names the host; untrusted, it is ignored', () => {
    const headers = { host: 'node-3:3000', 'x-forwarded-host': 'atelier.example, lb.internal', origin: 'https://atelier.example' };
    expect(originCheck({ publicUrl: undefined, corsOrigins: [], trustProxy: true })(request(headers))).toBe(true);
    expect(originCheck({ publicUrl: undefined, corsOrigins: [], trustProxy: false })(request(headers))).toBe(false);
  });
});
