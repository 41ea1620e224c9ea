// A TCP forwarder in front of a real service (PostgreSQL, Redis) that a test
// can cut and restore: cutting drops every open connection and refuses new
// ones, as a crashed or unreachable server does, while the service itself (shared
// with other suites) keeps running. Closed when the test finishes.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export interface TcpGate {
  /** The service's URL with its host and port replaced by the gate's. */
  url: string;
  port: number;
  /** Drops every open connection; new ones are closed at once until `restore`. */
  cut(): void;
  restore(): void;
}

export async function startTcpGate(serviceUrl: string): Promise<TcpGate> {
  const target = new URL(serviceUrl);
  const targetPort = Number(target.port);
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, target.hostname);
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
  if (address === null || typeof address === 'string') throw new Error('no gate port');
  const url = new URL(serviceUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    port: address.port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
  };
}
