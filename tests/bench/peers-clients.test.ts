// The peer benchmark's raw load client of the web client's one connection
// (`/yjs/:roomId?events=1`) against a real server: it has joined only once it
// holds its document and its `room:joined`, event frames never count as
// deliveries, and a refused connection fails instead of hanging.
import { describe, expect, it } from 'vitest';
import { connectYwsRaw } from '../../bench/peers/clients/yws-raw.ts';
import { forEachStruct } from '../../bench/peers/lib/update-structs.ts';
import { KeystrokeSource } from '../../bench/peers/lib/keystrokes.ts';
import type { DeliverySink } from '../../bench/peers/system.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

/** Every (writer, clock) a client received, its own echoes left out as the ledger does. */
function recordingSink(): DeliverySink & { received: string[] } {
  const received: string[] = [];
  return {
    received,
    record(update, self) {
      forEachStruct(update, (client, clock, length) => {
        for (let k = clock; k < clock + length; k++) if (client !== self) received.push(`${client}:${k}`);
      });
    },
  };
}

async function setUp() {
  const server = await startServer();
  const http = api(server.url);
  const [ann, bob] = await Promise.all([http.session('Ann'), http.session('Bob')]);
  const { room } = await http.room(ann.token, { title: 'Bench', linkAccess: 'edit' });
  const wsUrl = (token: string) => `${server.url.replace(/^http/, 'ws')}/yjs/${room.id}?token=${encodeURIComponent(token)}`;
  return { wsUrl, ann, bob };
}

describe('bench:peers raw client of the one-connection client path', () => {
  it('joins with its document and room:joined, and counts only document updates as deliveries', async () => {
    const { wsUrl, ann, bob } = await setUp();
    const writer = new KeystrokeSource(101);
    const writerSink = recordingSink();
    const readerSink = recordingSink();
    const [typist, reader] = await Promise.all([
      connectYwsRaw(wsUrl(ann.token), writer.client, writerSink, { events: true }),
      connectYwsRaw(wsUrl(bob.token), 202, readerSink, { events: true }),
    ]);
    expect(typist.open && reader.open).toBe(true);
    for (let i = 0; i < 5; i++) typist.sendUpdate(writer.next());
    await waitFor(() => readerSink.received.length >= 5, WAIT_BUDGET_MS, 'the five keystrokes at the reader');
    expect(readerSink.received).toEqual(['101:0', '101:1', '101:2', '101:3', '101:4']);
    // The writer's own keystrokes are not echoed back to it, and no event frame reached either sink.
    expect(writerSink.received).toEqual([]);
    typist.close();
    reader.close();
  });

  it('fails when the server refuses the connection instead of waiting for a room:joined that never comes', async () => {
    const { wsUrl } = await setUp();
    await expect(connectYwsRaw(wsUrl('not-a-session'), 303, recordingSink(), { events: true })).rejects.toThrow(
      /closed with|Unexpected server response/,
    );
  });
});
