// The same hostile cases on both transports: one table of bad messages, each
// sent over Socket.IO and over the Yjs WebSocket, each refused with the same
// error code (Socket.IO says it in `room:error`, the Yjs WebSocket in its close
// code or, for a viewer's write, y-protocols' permission-denied), and the room
// unchanged. Both go through one Connection and RoomSession, so they must agree.
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { CLOSE_CODES, type ErrorCode, type WireError, YWS_MESSAGE } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { hostileRoom } from '../helpers/hostile-room.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

const MAX_MESSAGE_BYTES = 4096;
const MAX_DOC_BYTES = 3000;

const syncMessage = (type: number, payload: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
};

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText(ROOTS.prompt).insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/**
 * One client of one transport, in the room; `refusal` resolves with the code
 * of the next refusal, or `healed` when the Yjs WebSocket kept the connection
 * and asked for a resync instead (drops for rate or size heal that way there:
 * docs/protocol.md § Self-healing sync).
 */
interface Client {
  sync(message: Uint8Array): void;
  awareness(update: Uint8Array): void;
  refusal(): Promise<ErrorCode | 'healed'>;
}

type Open = (url: string, token: string, roomId: string, invite?: string) => Promise<Client>;

const codeOfClose = new Map<number, ErrorCode | 'healed'>(Object.entries(CLOSE_CODES).map(([code, close]) => [close, code as ErrorCode]));

const transports: Array<[string, Open]> = [
  [
    'Socket.IO',
    async (url, token, roomId, invite) => {
      const socket = connectSocket(url, token);
      const errors: WireError[] = [];
      socket.on('room:error', (_roomId, error) => errors.push(error));
      const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('room:join', roomId, invite ? { invite } : {}, resolve));
      expect(ack.ok).toBe(true);
      let seen = 0;
      return {
        sync: (message) => socket.emit('yjs:sync', roomId, message),
        awareness: (update) => socket.emit('yjs:awareness', roomId, update),
        refusal: async () => {
          await waitFor(() => errors.length > seen, WAIT_BUDGET_MS, 'a room:error');
          return errors[seen++]!.code;
        },
      };
    },
  ],
  [
    'Yjs WebSocket',
    async (url, token, roomId, invite) => {
      const raw = rawYjsSocket(url, `/yjs/${roomId}?token=${token}${invite ? `&invite=${invite}` : ''}`);
      await raw.opened;
      await waitFor(() => raw.frames.length >= 1);
      const frames = () => raw.frames.length;
      let before = frames();
      return {
        sync: (message) => {
          before = frames();
          raw.send(Uint8Array.from([YWS_MESSAGE.sync, ...message]));
        },
        awareness: (update) => {
          before = frames();
          const e = encoding.createEncoder();
          encoding.writeVarUint(e, YWS_MESSAGE.awareness);
          encoding.writeVarUint8Array(e, update);
          raw.send(encoding.toUint8Array(e));
        },
        refusal: async () => {
          // A closed connection names its code; an open one refused a write with permission-denied, or asks for a resync.
          const denied = new Promise<ErrorCode | 'healed'>((resolve) => {
            const check = () => {
              const since = raw.frames.slice(before);
              if (since.some((f) => f[0] === YWS_MESSAGE.auth)) resolve('forbidden');
              else if (since.some((f) => f[0] === YWS_MESSAGE.sync && f[1] === syncProtocol.messageYjsSyncStep1)) resolve('healed');
              else if (raw.ws.readyState !== raw.ws.CLOSED) setTimeout(check, 10);
            };
            check();
          });
          const closed = raw.closed.then(({ code }) => codeOfClose.get(code) ?? 'internal');
          return Promise.race([denied, closed]);
        },
      };
    },
  ],
];

interface Case {
  name: string;
  send(client: Client): void;
  code: ErrorCode;
  /** A drop the server heals by asking for a resync (the Yjs WebSocket's only sign of it). */
  healed?: boolean;
  /** Joins with the room's view invite. */
  viewer?: boolean;
}

const truncated = textUpdate('truncated');
const cases: Case[] = [
  {
    name: 'a truncated update',
    send: (c) => c.sync(syncMessage(syncProtocol.messageYjsUpdate, truncated.subarray(0, truncated.length - 1))),
    code: 'bad_request',
  },
  { name: 'an unknown sync message type', send: (c) => c.sync(syncMessage(7, new Uint8Array([1, 2]))), code: 'bad_request' },
  { name: 'trailing bytes after a sync message', send: (c) => c.sync(new Uint8Array([2, 0, 9])), code: 'bad_request' },
  {
    name: 'a message over MAX_MESSAGE_BYTES',
    send: (c) => c.sync(syncMessage(syncProtocol.messageYjsUpdate, new Uint8Array(MAX_MESSAGE_BYTES + 8))),
    code: 'too_large',
    healed: true,
  },
  {
    name: 'an update that would grow the document past MAX_DOC_BYTES',
    send: (c) => c.sync(syncMessage(syncProtocol.messageYjsUpdate, textUpdate('y'.repeat(MAX_DOC_BYTES + 500)))),
    code: 'too_large',
  },
  { name: 'a malformed awareness update', send: (c) => c.awareness(new Uint8Array([1, 5])), code: 'bad_request' },
  {
    name: 'a viewer’s update',
    send: (c) => c.sync(syncMessage(syncProtocol.messageYjsUpdate, textUpdate('vandal'))),
    code: 'forbidden',
    viewer: true,
  },
];

describe.each(transports)('the same hostile cases over %s', (_name, open) => {
  it('refuses each with the same code and changes nothing in the room', async () => {
    const { server, mallory, room, invites, good, live, snapshot } = await hostileRoom({
      MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
      MAX_DOC_BYTES: String(MAX_DOC_BYTES),
    });
    const before = snapshot();

    const codes: Record<string, ErrorCode | 'healed'> = {};
    for (const c of cases) {
      // A fresh client per case: the Yjs WebSocket closes on most refusals.
      const client = await open(server.url, mallory.token, room.id, c.viewer ? invites.view : undefined);
      c.send(client);
      const code = await client.refusal();
      codes[c.name] = code === 'healed' && c.healed ? c.code : code;
    }
    expect(codes).toEqual(Object.fromEntries(cases.map((c) => [c.name, c.code])));
    expect(Y.encodeStateAsUpdate(live().doc)).toEqual(before);
    // And an honest participant still edits.
    good.doc.getText(ROOTS.prompt).insert(0, '+');
    await waitFor(() => live().doc.getText(ROOTS.prompt).toString() === '+keep me');
  });
});
