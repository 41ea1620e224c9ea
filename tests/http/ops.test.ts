import { describe, expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import { joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';

const metric = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

describe('operations', () => {
  it('/healthz reports the node, the store and loaded rooms', async () => {
    const server = await startServer({ NODE_ID: 'node-a' });
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', node: 'node-a', store: { kind: 'sqlite', ok: true }, roomsLoaded: 0 });
    await server.store.close();
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect((await down.json()).status).toBe('down');
  });

  it('/metrics exposes connections, rooms, messages, bytes, log appends and compactions', async () => {
    const server = await startServer({ LOG_COMPACT_ENTRIES: '5' });
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    await joinWithYWebsocket(server.url, bob.token, room.id);
    for (let i = 0; i < 10; i++) a.doc.getText(ROOTS.prompt).insert(i, 'x');
    let text = '';
    await waitFor(async () => {
      text = await (await fetch(`${server.url}/metrics`)).text();
      return (metric(text, 'atelier_compactions_total') ?? 0) >= 1;
    });
    expect(text).toContain('# TYPE atelier_connections gauge');
    expect(text).toMatch(/atelier_connections\{transport="socket.io"\} 1/);
    expect(text).toMatch(/atelier_connections\{transport="websocket"\} 1/);
    expect(metric(text, 'atelier_rooms_loaded')).toBe(1);
    expect(text).toMatch(/atelier_messages_in_total\{transport="socket.io",type="sync"\} \d+/);
    expect(text).toMatch(/atelier_messages_out_total\{transport="websocket",type="sync"\} [1-9]/);
    expect(text).toMatch(/atelier_bytes_out_total\{transport="websocket"\} [1-9]/);
    expect(text).toContain('atelier_log_append_seconds_bucket');
    expect(metric(text, 'atelier_log_appended_updates_total')).toBeGreaterThanOrEqual(10);
    expect(text).toContain('atelier_process_resident_memory_bytes');
  });
});
