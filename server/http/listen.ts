// Binding the node's HTTP server to its port, and the URL it is reachable at.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListenOptions {
  port: number;
  host: string;
  backlog: number;
}

/** Listens and resolves to the port it got (port 0: any free one) and the URL; rejects if the port is taken. */
export async function listen(server: Server, { port, host, backlog }: ListenOptions): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Past Node's default backlog (511) a burst of connections (every client after a restart)
    // is dropped by the kernel and waits 0.2–1 s for TCP's retransmits (docs/benchmarks.md).
    server.listen({ port, host, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}
