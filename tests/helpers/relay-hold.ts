// A TCP proxy in front of Redis for one node, which can hold back what Redis
// sends that node's subscriber connections (the relay's, whose SUBSCRIBE it
// sees go by): their pub/sub messages wait, and so does the answer to any PING
// sent on them after those, as on a node whose relay lags behind. Everything
// else, the node's commands included, passes. Closed when the test finishes.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export interface RelayHold {
  /** The Redis URL to give the node. */
  url: string;
  /** From now on, what Redis sends the node's subscriber connections waits. */
  hold(): void;
  /** Sends on what waited, in order, and lets everything through again. */
  release(): void;
}

interface Link {
  client: Socket;
  upstream: Socket;
  subscriber: boolean;
  held: Buffer[];
}

/** Seen in a command the node sends: this connection is in subscriber mode from now on. */
const SUBSCRIBE = /\r\n[SP]?SUBSCRIBE\r\n/i;

export async function startRelayHold(redisUrl: string): Promise<RelayHold> {
  const target = new URL(redisUrl);
  const links = new Set<Link>();
  let holding = false;
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const link: Link = { client, upstream, subscriber: false, held: [] };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (!link.subscriber && SUBSCRIBE.test(chunk.toString('latin1'))) link.subscriber = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (holding && link.subscriber) link.held.push(chunk);
      else client.write(chunk);
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
      links.delete(link);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const link of links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy port');
  const url = new URL(redisUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const link of links) {
        for (const chunk of link.held.splice(0)) link.client.write(chunk);
      }
    },
  };
}
