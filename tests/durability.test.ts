import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../shared/doc-schema.ts';
import { startChildServer } from './helpers/child-server.ts';
import { joinWithSocketIo, joinWithYWebsocket } from './helpers/clients.ts';
import { api, tempDir, WAIT_BUDGET_MS, waitFor } from './helpers/server.ts';

const KEYSTROKES = 400;

describe('durability', () => {
  it('every keystroke the server accepted survives SIGKILL and a restart on the same DATA_DIR', async () => {
    const dataDir = tempDir();
    const first = await startChildServer({ DATA_DIR: dataDir, LOG_COMPACT_ENTRIES: '150' });
    const http = api(first.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const { room } = await http.room(ann.token);
    const typist = await joinWithSocketIo(first.url, ann.token, room.id);
    const watcher = await joinWithYWebsocket(first.url, bob.token, room.id);

    // A burst: one update per keystroke, as fast as the client can send them,
    // plus a layer, from both transports.
    const prompt = typist.doc.getText(ROOTS.prompt);
    let expected = '';
    for (let i = 0; i < KEYSTROKES; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      prompt.insert(prompt.length, ch);
      expected += ch;
    }
    const layer = new Y.Map<unknown>();
    layer.set('id', 'l1');
    layer.set('name', 'typed by the watcher');
    watcher.doc.getArray<Y.Map<unknown>>(ROOTS.layers).push([layer]);
    // Accepted = broadcast to the other participant. Kill the moment that is so.
    await waitFor(
      () => watcher.doc.getText(ROOTS.prompt).toString() === expected && typist.doc.getArray(ROOTS.layers).length === 1,
      WAIT_BUDGET_MS,
    );
    await first.kill('SIGKILL');
    expect(first.process.signalCode).toBe('SIGKILL');

    const second = await startChildServer({ DATA_DIR: dataDir });
    const carol = await api(second.url).session('Carol');
    const late = await joinWithSocketIo(second.url, carol.token, room.id);
    expect(late.doc.getText(ROOTS.prompt).toString()).toBe(expected);
    expect(late.doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(0).get('name')).toBe('typed by the watcher');
    // Sessions and rooms survived too (the secret was kept in DATA_DIR).
    expect(late.joined.room.id).toBe(room.id);
    const again = await joinWithSocketIo(second.url, ann.token, room.id);
    expect(again.joined.role).toBe('owner');
  });

  it('SIGTERM flushes every room and exits cleanly', async () => {
    const dataDir = tempDir();
    const first = await startChildServer({ DATA_DIR: dataDir });
    const http = api(first.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(first.url, ann.token, room.id);
    a.doc.getText(ROOTS.prompt).insert(0, 'graceful');
    // Appended already? Then SIGTERM proves nothing; wait only until the server has it in memory.
    await waitFor(async () => {
      const res = await fetch(`${first.url}/healthz`);
      return (await res.json()).roomsLoaded === 1;
    });
    expect(await first.kill('SIGTERM')).toBe(0);
    expect(first.logs.some((l) => (l as { msg?: string }).msg === 'atelier stopped')).toBe(true);

    const second = await startChildServer({ DATA_DIR: dataDir });
    const late = await joinWithSocketIo(second.url, ann.token, room.id);
    expect(late.doc.getText(ROOTS.prompt).toString()).toBe('graceful');
  });
});
