// Records the fuzz corpus from real clients (`npm run fuzz:record`): two
// socket.io-client sessions and two y-websocket sessions in one room type,
// add and move layers and move their cursors, one of each joins late (so the
// sync exchange carries whole states); every message each sends and receives
// is written to scripts/fuzz/corpus/ (JSON; binary as hex; the room id as `$room`).
import { writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import pino from 'pino';
import { type Client, connectClient, type Tap, type Transport } from './clients.ts';
import { type Json, record, SOCKETIO_CORPUS, type SocketIoPacket, toHex, type YjsFrame, YJS_WS_CORPUS } from './corpus.ts';
import { editLayers, moveCursor, type } from './edits.ts';
import { newRoom, newSession } from './http.ts';
import { Random } from './random.ts';
import { startServerProcess } from './server-process.ts';

/** Enough variety to seed mutations, small enough to commit. */
const MAX_PER_KIND = 12;
const ACK_EVENTS = new Set(['room:join', 'gen:start', 'gen:cancel', 'work:publish', 'gallery:subscribe', 'work:subscribe']);

const logger = pino({ base: null });
const server = await startServerProcess();
try {
  const random = new Random(20261207);
  const owner = await newSession(server.url, 'Recorder');
  const { room } = await newRoom(server.url, owner.token);
  const packets: SocketIoPacket[] = [];
  const frames: YjsFrame[] = [];
  const tap: Tap = {
    socketio: (dir, event, args) =>
      packets.push({ dir, event, args: args.map((a): Json => record(a, room.id)), ack: dir === 'client' && ACK_EVENTS.has(event) }),
    websocket: (dir, frame) => frames.push({ dir, hex: toHex(frame) }),
  };
  const join = async (transport: Transport, name: string): Promise<Client> => {
    const { token } = await newSession(server.url, name);
    const client = connectClient(transport, server.url, token, room.id, tap);
    await client.synced;
    client.awareness.setLocalStateField('user', { id: name, name, color: '#30bced', colorLight: '#30bced33' });
    return client;
  };
  const session = async (clients: Client[], rounds: number) => {
    for (let i = 0; i < rounds; i++) {
      for (const [n, client] of clients.entries()) {
        const action = random.int(0, 9);
        if (action < 6) type(client.doc, random, random.pick(['a', 'b', ' ', 'sunset', '«rec:1»', 'é', '🙂']));
        else if (action < 8) editLayers(client.doc, random, `rec-${n}`);
        else moveCursor(client.awareness, client.doc, random);
      }
      await delay(15);
    }
  };
  const first = [await join('socket.io', 'Ann'), await join('websocket', 'Bob')];
  await session(first, 60);
  const late = [await join('socket.io', 'Cat'), await join('websocket', 'Dan')];
  await session([...first, ...late], 40);
  await delay(300);
  for (const client of [...first, ...late]) client.destroy();
  await delay(200);

  const kept = <T>(items: T[], kind: (item: T) => string): T[] => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    return items.filter((item) => {
      const key = JSON.stringify(item);
      const k = kind(item);
      if (seen.has(key) || (counts.get(k) ?? 0) >= MAX_PER_KIND) return false;
      seen.add(key);
      counts.set(k, (counts.get(k) ?? 0) + 1);
      return true;
    });
  };
  // Kinds of packets: direction, event and the start of the binary argument (the message type).
  const socketio = kept(packets, (p) => `${p.dir} ${p.event} ${/"\$hex":"(\w{0,2})/.exec(JSON.stringify(p.args))?.[1] ?? ''}`);
  // Kinds of frames: direction, message type and sync message type.
  const ws = kept(frames, (f) => `${f.dir} ${f.hex.slice(0, f.hex.startsWith('00') ? 4 : 2)}`);
  const note = 'Recorded by scripts/fuzz/record.ts (npm run fuzz:record) from real clients; seeds for npm run fuzz.';
  writeFileSync(SOCKETIO_CORPUS, `${JSON.stringify({ note, packets: socketio }, null, 1)}\n`);
  writeFileSync(YJS_WS_CORPUS, `${JSON.stringify({ note, frames: ws }, null, 1)}\n`);
  logger.info({ socketio: socketio.length, yjsWs: ws.length, recorded: packets.length + frames.length }, 'corpus written');
} finally {
  await server.stop();
}
