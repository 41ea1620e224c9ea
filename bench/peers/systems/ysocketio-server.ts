// The y-socket.io server the peer benchmark runs in its own process: a bare
// Socket.IO server (its defaults) with `YSocketIO` attached, no LevelDB
// persistence (no `levelPersistenceDir`), on an ephemeral port on loopback.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { YSocketIO } from 'y-socket.io/dist/server';
import { announceListening } from '../lib/child-server.ts';

const http = createServer();
const io = new Server(http);
new YSocketIO(io).initialize();
http.listen(0, '127.0.0.1', () => announceListening(`http://127.0.0.1:${(http.address() as AddressInfo).port}`));
const stop = () => {
  io.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
