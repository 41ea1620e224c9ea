// The Hocuspocus server the peer benchmark runs in its own process: the stock
// `Server` with its defaults and no extensions (so no persistence), on an
// ephemeral port on loopback.
import { Server } from '@hocuspocus/server';
import { announceListening } from '../lib/child-server.ts';

const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: true });
await server.listen();
announceListening(`http://127.0.0.1:${server.address.port}`);
