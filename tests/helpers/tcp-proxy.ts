// A TCP proxy on a port of its own, the part shared by the load balancer of
// cluster.ts and the cuttable gate of tcp-gate.ts: each new connection is piped
// to wherever the test says at that moment. Closed when the test finishes.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export interface TcpProxy {
  port: number;
  /** Destroys every open connection, both sides. */
  dropAll(): void;
}

/** `target` is asked once per new connection; `null` refuses it (the connection is closed at once). */
export async function startTcpProxy(target: () => { host: string; port: number } | null): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const to = target();
    if (to === null) {
      client.destroy();
      return;
    }
    const upstream = connect(to.port, to.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy port');
  return {
    port: address.port,
    dropAll() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}
