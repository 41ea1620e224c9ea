import { Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tcpSocketOf, WriteCoalescer } from '../../server/realtime/socketio/write-coalescer.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer } from '../helpers/server.ts';

describe('write coalescing for Socket.IO broadcasts', () => {
  it('finds the TCP socket under a WebSocket engine.io connection (or the optimisation is silently off)', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    await joinWithSocketIo(server.url, ann.token, room.id);
    const [socket] = server.socketIo.io.of('/').sockets.values();
    const tcp = tcpSocketOf(socket!.conn);
    expect(tcp).toBeInstanceOf(NetSocket);
  });

  it('holds writes until the end of the tick, then sends them in one go', async () => {
    const writes: number[] = [];
    const fake = new NetSocket();
    fake._writev = (chunks, cb) => {
      writes.push(chunks.length);
      cb();
    };
    fake._write = (_chunk, _enc, cb) => {
      writes.push(1);
      cb();
    };
    const coalescer = new WriteCoalescer();
    coalescer.hold(fake);
    coalescer.hold(fake);
    fake.write('header');
    fake.write(Buffer.from([1, 2, 3]));
    expect(writes).toEqual([]);
    await new Promise((r) => process.nextTick(r));
    expect(writes).toEqual([2]);
    expect(fake.writableCorked).toBe(0);
    fake.destroy();
  });
});
