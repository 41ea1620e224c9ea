// A TCP forwarder in front of a real service (PostgreSQL, Redis) that a test
// can cut and restore: cutting drops every open connection and refuses new
// ones, as a crashed or unreachable server does, while the service itself (shared
// with other suites) keeps running. Closed when the test finishes.
import { startTcpProxy } from './tcp-proxy.ts';

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
  let open = true;
  const proxy = await startTcpProxy(() => (open ? { host: target.hostname, port: Number(target.port) } : null));
  const url = new URL(serviceUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return {
    url: url.toString(),
    port: proxy.port,
    cut() {
      open = false;
      proxy.dropAll();
    },
    restore() {
      open = true;
    },
  };
}
