// Hostile participants: each joins a room like any editor (or viewer) would,
// then sends mutated messages at a steady rate below the per-connection limit,
// reconnecting whenever the server closes on it, until the run ends.
//  - socket.io: socket.io-client emitting recorded events with mutated arguments;
//  - socket.io-raw: a bare engine.io WebSocket sending hand-encoded, mutated packets;
//  - websocket: a bare WebSocket on /yjs/:room sending mutated y-websocket frames;
//  - websocket-events: the same with `?events=1`, half of its frames Atelier's
//    event frames, mutated (event-frames.ts).
import { setTimeout as delay } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { CLOSE_CODES, YWS_MESSAGE } from '../../shared/protocol.ts';
import { decodeAck, decodeEvent } from '../../shared/yws-events.ts';
import { type Corpus, fromHex, revive } from './corpus.ts';
import { mutateEventFrame } from './event-frames.ts';
import { mutateArgs } from './mutate-args.ts';
import { mutateBytes } from './mutate-bytes.ts';
import type { Random } from './random.ts';
import { encodeSocketIoPacket, mutatePacket } from './socketio-packets.ts';
import type { FuzzStats } from './stats.ts';
import { type Craft, craftSyncUpdate, RoomView } from './yjs-craft.ts';

export type AttackerKind = 'socket.io' | 'socket.io-raw' | 'websocket' | 'websocket-events';

export interface Attack {
  url: string;
  roomId: string;
  token: string;
  /** Joins with this invite (a view invite makes a viewer). */
  invite: string | undefined;
  corpus: Corpus;
  random: Random;
  stats: FuzzStats;
  /** Messages per second, below MESSAGES_PER_SECOND so the limiter is not all that is tested. */
  rate: number;
  /** True once the run is over. */
  stopped: () => boolean;
  /** Share of messages that are crafted Yjs updates (yjs-craft.ts) rather than mutated recordings. */
  craftShare: number;
  /** Which crafted updates to send. */
  crafts: readonly Craft[];
}

const CODE_NAMES = new Map<number, string>(Object.entries(CLOSE_CODES).map(([name, code]) => [code, name]));
/** y-protocols' sync step 1: the server asking what the client holds (a greeting or a heal). */
const STEP1 = 0;
/** Messages sent per burst; the rate is kept by pausing between bursts. */
const BURST = 5;

export function attack(kind: AttackerKind, a: Attack): Promise<void> {
  if (kind === 'socket.io') return socketIoAttacker(a);
  if (kind === 'socket.io-raw') return rawSocketIoAttacker(a);
  return websocketAttacker(a, kind === 'websocket-events');
}

const binaries = (corpus: Corpus) =>
  corpus.socketio.flatMap((p) => p.args.map((arg) => revive(arg, '')).filter((v): v is Uint8Array => v instanceof Uint8Array));

async function paced(a: Attack, send: () => boolean): Promise<void> {
  while (!a.stopped()) {
    for (let i = 0; i < BURST; i++) if (!send()) return;
    await delay((1000 * BURST) / a.rate);
  }
}

async function socketIoAttacker(a: Attack): Promise<void> {
  const others = binaries(a.corpus);
  const counted = (res: unknown) => {
    if (typeof res === 'object' && res !== null && 'ok' in res && res.ok === false && 'error' in res) {
      const code = (res.error as { code?: unknown } | null)?.code;
      a.stats.refused.add(`socket.io ack:${String(code)}`);
    }
  };
  const view = new RoomView();
  while (!a.stopped()) {
    a.stats.connections.add('socket.io');
    const socket: Socket = io(a.url, { auth: { token: a.token }, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('room:error', (_room: unknown, error: { code?: unknown } | null) => a.stats.refused.add(`socket.io ${String(error?.code)}`));
    socket.on('yjs:sync', (_room: unknown, message: unknown) => {
      if (!(message instanceof Uint8Array || message instanceof ArrayBuffer)) return;
      const bytes = new Uint8Array(message);
      if (bytes[0] === STEP1) a.stats.asked.add('socket.io');
      view.received(bytes);
    });
    const open = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
    if (!open) {
      a.stats.refused.add('socket.io connect_error');
      socket.close();
      await delay(100);
      continue;
    }
    const closed = new Promise<void>((resolve) =>
      socket.once('disconnect', (reason: string) => {
        a.stats.refused.add(`socket.io disconnect:${reason}`);
        resolve();
      }),
    );
    socket.emit('room:join', a.roomId, a.invite ? { invite: a.invite } : {}, counted);
    await paced(a, () => {
      if (!socket.connected) return false;
      if (a.crafts.length > 0 && a.random.chance(a.craftShare)) {
        const { message, kind } = craftSyncUpdate(a.random, view.known, a.crafts);
        a.stats.sent.add(`socket.io craft:${kind}`);
        socket.emit('yjs:sync', a.roomId, message);
        return true;
      }
      const recorded = a.random.pick(a.corpus.socketio);
      const args = recorded.args.map((arg) => revive(arg, a.roomId));
      const emission = mutateArgs(
        a.random,
        { event: recorded.event, args, ack: recorded.ack },
        (b) => mutateBytes(a.random, b, others).bytes,
      );
      a.stats.sent.add(`socket.io ${emission.kind}`);
      try {
        if (emission.ack) socket.emit(emission.event, ...emission.args, counted);
        else socket.emit(emission.event, ...emission.args);
      } catch {
        // socket.io-client refuses reserved event names itself: nothing was sent.
        a.stats.sent.add(`socket.io ${emission.kind}`, -1);
      }
      return true;
    });
    socket.close();
    await Promise.race([closed, delay(100)]);
  }
  view.destroy();
}

async function rawSocketIoAttacker(a: Attack): Promise<void> {
  const others = binaries(a.corpus);
  while (!a.stopped()) {
    a.stats.connections.add('socket.io-raw');
    const ws = new WebSocket(`${a.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    let connected = false;
    const ready = new Promise<boolean>((resolve) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const text = data.toString();
        if (text.startsWith('0{')) ws.send(`40${JSON.stringify({ token: a.token })}`);
        else if (text === '2') ws.send('3');
        else if (text.startsWith('40')) {
          connected = true;
          resolve(true);
        } else if (text.startsWith('44')) a.stats.refused.add('socket.io-raw connect_error');
        else if (text.startsWith('42')) {
          const code = /"code":"(\w+)"/.exec(text)?.[1];
          if (code && text.includes('room:error')) a.stats.refused.add(`socket.io-raw ${code}`);
        }
      });
      ws.on('close', (code) => {
        a.stats.refused.add(`socket.io-raw close:${code}`);
        resolve(false);
      });
      ws.on('error', () => resolve(false));
    });
    // A handshake the server neither completes nor closes must not hold the run.
    if (!(await Promise.race([ready, delay(2000).then(() => false)])) || !connected) {
      ws.terminate();
      await delay(100);
      continue;
    }
    ws.send(`42${JSON.stringify(['room:join', a.roomId, a.invite ? { invite: a.invite } : {}])}`);
    await paced(a, () => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      const recorded = a.random.pick(a.corpus.socketio);
      const args = recorded.args.map((arg) => revive(arg, a.roomId));
      const emission = mutateArgs(
        a.random,
        { event: recorded.event, args, ack: recorded.ack },
        (b) => mutateBytes(a.random, b, others).bytes,
      );
      const { frames, kind } = mutatePacket(a.random, encodeSocketIoPacket(emission, a.random.int(0, 1e6)), others);
      a.stats.sent.add(`socket.io-raw ${kind}`);
      for (const frame of frames) ws.send(frame);
      return true;
    });
    ws.terminate();
  }
}

async function websocketAttacker(a: Attack, events: boolean): Promise<void> {
  const frames = a.corpus.yjsWs.map((f) => ({ dir: f.dir, bytes: fromHex(f.hex) }));
  const all = frames.map((f) => f.bytes);
  const recordedEvents = a.corpus.socketio.map((p) => ({ ...p, args: p.args.map((arg) => revive(arg, a.roomId)) }));
  const view = new RoomView();
  const name = events ? 'websocket-events' : 'websocket';
  const query = `token=${encodeURIComponent(a.token)}${a.invite ? `&invite=${encodeURIComponent(a.invite)}` : ''}${events ? '&events=1' : ''}`;
  while (!a.stopped()) {
    a.stats.connections.add(name);
    const ws = new WebSocket(`${a.url.replace(/^http/, 'ws')}/yjs/${encodeURIComponent(a.roomId)}?${query}`);
    ws.on('message', (data: Buffer) => {
      // y-protocols' auth message: permission denied (a viewer's write).
      if (data[0] === 2) a.stats.refused.add(`${name} permission-denied`);
      if (data[0] === 0) {
        if (data[1] === STEP1) a.stats.asked.add(name);
        view.received(new Uint8Array(data.subarray(1)));
      }
      if (data[0] === YWS_MESSAGE.event || data[0] === YWS_MESSAGE.ack) countEventRefusal(a, name, new Uint8Array(data));
    });
    const closed = new Promise<void>((resolve) => {
      ws.on('close', (code) => {
        a.stats.refused.add(`${name} ${CODE_NAMES.get(code) ?? `close:${code}`}`);
        resolve();
      });
      ws.on('error', () => resolve());
    });
    const open = await Promise.race([new Promise<boolean>((resolve) => ws.once('open', () => resolve(true))), closed.then(() => false)]);
    if (!open) {
      await delay(50);
      continue;
    }
    await paced(a, () => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      if (a.crafts.length > 0 && a.random.chance(a.craftShare)) {
        const { message, kind } = craftSyncUpdate(a.random, view.known, a.crafts);
        a.stats.sent.add(`${name} craft:${kind}`);
        ws.send(Buffer.concat([Buffer.from([0]), message]));
        return true;
      }
      if (events && a.random.chance(0.5)) {
        const { bytes, kind } = mutateEventFrame(a.random, a.random.pick(recordedEvents), all);
        a.stats.sent.add(`${name} ${kind}`);
        ws.send(bytes);
        return true;
      }
      // Mostly what clients send, sometimes what the server sends (a client replaying it).
      const pool = a.random.chance(0.8) ? frames.filter((f) => f.dir === 'client') : frames;
      const { bytes, kind } = mutateBytes(a.random, a.random.pick(pool).bytes, all);
      a.stats.sent.add(`${name} ${kind}`);
      ws.send(bytes);
      return true;
    });
    ws.terminate();
    await closed;
  }
  view.destroy();
}

/** An event socket's refusals: `room:error` events and acknowledgements answering an error. */
function countEventRefusal(a: Attack, name: string, data: Uint8Array): void {
  try {
    if (data[0] === YWS_MESSAGE.ack) {
      const { answer } = decodeAck(data, 1);
      const error = (answer as { ok?: unknown; error?: { code?: unknown } }).error;
      if (error) a.stats.refused.add(`${name} ack:${String(error.code)}`);
      return;
    }
    const { event, args } = decodeEvent(data, 1);
    if (event === 'room:error') a.stats.refused.add(`${name} ${String((args[1] as { code?: unknown } | undefined)?.code)}`);
  } catch (err) {
    // The server's own frames must always decode: count it where the report shows it.
    a.stats.refused.add(`${name} undecodable server frame: ${String(err)}`);
  }
}
