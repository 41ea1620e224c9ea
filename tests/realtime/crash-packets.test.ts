// Packets that once stopped the whole process (an unhandled rejection or an
// exception thrown from an event handler), sent to a server in its own process:
// it must stay up, log no handler failure, and keep serving honest clients on
// both transports.
import net from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { guarded } from '../../server/realtime/guard.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { WireError } from '../../shared/protocol.ts';
import { type ChildServer, startChildServer } from '../helpers/child-server.ts';
import { connectSocket, joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { api, tempDir, waitFor } from '../helpers/server.ts';

const EVENTS = [
  'room:join',
  'room:leave',
  'yjs:sync',
  'yjs:awareness',
  'gen:start',
  'gen:cancel',
  'work:publish',
  'gallery:subscribe',
  'gallery:unsubscribe',
];

/** First arguments whose coercion to a string throws, or that are otherwise not what a handler expects. */
const HOSTILE_ARGS: unknown[][] = [
  [{ toString: 'x' }],
  [{ toString: 'x', valueOf: 'y' }],
  [{ toString: 'x' }, { toString: 'x' }],
  [{ toString: 'x' }, { invite: { toString: 'x' } }],
  [['a'], { toString: 'x' }, { toString: 'x' }],
  [null, null],
  [],
];

async function honestClientsStillSync(child: ChildServer): Promise<void> {
  const http = api(child.url);
  const { token } = await http.session('Honest');
  const { room } = await http.room(token);
  const viaSocketIo = await joinWithSocketIo(child.url, token, room.id);
  const viaWebSocket = await joinWithYWebsocket(child.url, token, room.id);
  viaSocketIo.doc.getText(ROOTS.prompt).insert(0, 'still ');
  viaWebSocket.doc.getText(ROOTS.prompt).insert(0, 'here ');
  const both = () => [viaSocketIo, viaWebSocket].map((p) => p.doc.getText(ROOTS.prompt).toString());
  await waitFor(() => {
    const [a, b] = both();
    return a === b && a!.includes('still') && a!.includes('here');
  });
}

/** Log lines at error level or worse: a handler that failed rather than validated. */
function errorLogs(child: ChildServer): unknown[] {
  return child.logs.filter((line) => typeof line === 'object' && line !== null && ((line as { level?: number }).level ?? 0) >= 50);
}

/**
 * Up and serving: a request answered after what came before it was handled. An unhandled rejection or an uncaught
 * exception ends the process as the turn it happened in ends, so no later request would be answered.
 */
async function expectUp(child: ChildServer): Promise<void> {
  expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
  expect(child.process.exitCode).toBe(null);
  expect(child.process.signalCode).toBe(null);
}

describe('no packet stops the server', () => {
  it('Socket.IO: hostile arguments to every event, without an ack, anonymous and signed in', async () => {
    const child = await startChildServer({ DATA_DIR: tempDir() });
    const http = api(child.url);
    const { token } = await http.session('Mallory');
    const { room } = await http.room(token);
    for (const auth of [undefined, token]) {
      const socket = connectSocket(child.url, auth);
      const errors: WireError[] = [];
      socket.on('room:error', (_roomId, error) => errors.push(error));
      await new Promise((resolve) => socket.on('connect', () => resolve(null)));
      const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => void;
      // The packet of the report: 42["room:join",{"toString":"x"}].
      emit('room:join', { toString: 'x' });
      for (const event of EVENTS) for (const args of HOSTILE_ARGS) emit(event, ...args);
      // A joined socket too, so handlers get past "join the room first".
      if (auth) {
        const ack = await new Promise<{ ok: boolean }>((resolve) => emit('room:join', room.id, {}, resolve));
        expect(ack.ok).toBe(true);
        for (const event of EVENTS) emit(event, room.id, { toString: 'x' }, { toString: 'x' });
      }
      await waitFor(() => errors.length > 0);
      // Answered after every packet above reached its handler, and after the lookups of a join like theirs.
      await socket.timeout(10_000).emitWithAck('room:join', room.id, {});
      expect(socket.connected).toBe(true);
      await expectUp(child);
    }
    expect(errorLogs(child)).toEqual([]);
    await honestClientsStillSync(child);
  });

  it('Yjs WebSocket: upgrade requests whose path is not a URL', async () => {
    const child = await startChildServer({ DATA_DIR: tempDir() });
    const { port } = new URL(child.url);
    const upgrade = (path: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () =>
          socket.write(
            `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          ),
        );
        let answer = '';
        socket.on('data', (data) => (answer += data.toString()));
        socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
        socket.on('error', () => resolve(answer));
        setTimeout(() => socket.destroy(), 1000);
      });
    for (const path of ['//', '//yjs/x', '//x:99999/yjs/x', '/yjs/%', '/yjs/%E0%A4%A', 'http://[::1']) {
      const status = await upgrade(path);
      // Not ours: 404. Ours but no such room: accepted, then closed with not_found.
      expect(status).toMatch(/^HTTP\/1\.1 (404|101)/);
      await expectUp(child);
    }
    expect(errorLogs(child)).toEqual([]);
    await honestClientsStillSync(child);
  });
});

describe('the last-resort guard', () => {
  it('logs and drops whatever a handler throws or rejects with', async () => {
    const logged: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const throwing = guarded(logger, 'throws', () => {
      throw new TypeError('Cannot convert object to primitive value');
    });
    const rejecting = guarded(logger, 'rejects', async () => {
      throw new Error('late');
    });
    expect(() => throwing()).not.toThrow();
    expect(rejecting()).toBeUndefined();
    await waitFor(() => logged.length === 2);
    expect(logged.map((l) => (l as { handler: string }).handler)).toEqual(['throws', 'rejects']);
  });
});
