// Spectators (viewers) get a room's changes merged, after its makers
// (server/rooms/spectator-feed.ts): on the real server and both transports,
// they end with exactly the makers' document, their own writes are still
// refused, the server's own changes take what was held with them at once, and
// a spectator made a maker gets what was held back from it.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAwarenessUpdate } from '../../server/rooms/awareness-message.ts';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

const sameDoc = (a: Y.Doc, b: Y.Doc) =>
  Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b))) &&
  a.getText('prompt').toString() === b.getText('prompt').toString();

/** The Yjs updates (sync messages of type update) among a raw socket's frames. */
const updatesIn = (frames: readonly Uint8Array[]) =>
  frames.filter((f) => f[0] === YWS_MESSAGE.sync && f[1] === syncProtocol.messageYjsUpdate);

async function roomWithViewInvite(env: Record<string, string> = {}) {
  const server = await startServer(env);
  const http = api(server.url);
  const [owner, editor, viewerA, viewerB] = await Promise.all([
    http.session('Owner'),
    http.session('Editor'),
    http.session('Viewer A'),
    http.session('Viewer B'),
  ]);
  const { room, invites } = await http.room(owner.token);
  return { server, owner, editor, viewerA, viewerB, room, invites };
}

describe('the spectator feed', () => {
  it('brings spectators on both transports to exactly the makers’ document, and refuses their writes', async () => {
    // One spectator's write a turn: each room's frames go in shares (the two spectators in one share or in two).
    const { server, owner, editor, viewerA, viewerB, room, invites } = await roomWithViewInvite({ SPECTATOR_WRITES_PER_TURN: '1' });
    const makerA = await joinWithSocketIo(server.url, owner.token, room.id);
    const makerB = await joinWithYWebsocket(server.url, editor.token, room.id, invites.edit);
    const watcherA = await joinWithSocketIo(server.url, viewerA.token, room.id, invites.view);
    expect(watcherA.joined.role).toBe('viewer');
    const watcherB = await joinWithYWebsocket(server.url, viewerB.token, room.id, invites.view);

    // Interleaved typing on both transports, a keystroke a transaction, as editors type.
    for (let i = 0; i < 60; i++) {
      const maker = i % 2 === 0 ? makerA.doc : makerB.doc;
      const text = maker.getText('prompt');
      maker.transact(() => text.insert(Math.min(text.length, i % 7), String.fromCharCode(97 + (i % 26))));
    }
    await waitFor(() => sameDoc(makerA.doc, makerB.doc) && makerA.doc.getText('prompt').length === 60, WAIT_BUDGET_MS, 'makers agree');
    await waitFor(() => sameDoc(watcherA.doc, makerA.doc), WAIT_BUDGET_MS, 'the Socket.IO spectator converges');
    await waitFor(() => sameDoc(watcherB.doc, makerA.doc), WAIT_BUDGET_MS, 'the Yjs WebSocket spectator converges');
    expect(Y.encodeStateAsUpdate(watcherB.doc)).toEqual(Y.encodeStateAsUpdate(makerA.doc));

    // Watching only: a spectator's own write is refused, and nobody else gets it.
    const raw = rawYjsSocket(server.url, `/yjs/${room.id}?token=${viewerB.token}&invite=${invites.view}`);
    await raw.opened;
    await waitFor(() => raw.frames.length >= 1);
    const vandal = new Y.Doc();
    vandal.getText('prompt').insert(0, 'vandal');
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS_MESSAGE.sync);
    syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(vandal));
    raw.send(encoding.toUint8Array(encoder));
    await waitFor(() => raw.frames.some((f) => f[0] === YWS_MESSAGE.auth), WAIT_BUDGET_MS, 'permission denied');
    expect(server.registry.get(room.id)?.doc.getText('prompt').toString()).not.toContain('vandal');
    expect(makerA.doc.getText('prompt').toString()).not.toContain('vandal');
  });

  it('holds makers’ changes and cursors for spectators and sends them merged with the server’s own change, at once', async () => {
    // Held for a minute: only the server's change can bring them within the test.
    const { server, owner, editor, viewerA, room, invites } = await roomWithViewInvite({ SPECTATOR_INTERVAL_MS: '60000' });
    const maker = await joinWithSocketIo(server.url, owner.token, room.id);
    const otherMaker = await joinWithYWebsocket(server.url, editor.token, room.id, invites.edit);
    const raw = rawYjsSocket(server.url, `/yjs/${room.id}?token=${viewerA.token}&invite=${invites.view}`);
    await raw.opened;
    await waitFor(() => raw.frames.some((f) => f[0] === YWS_MESSAGE.sync && f[1] === syncProtocol.messageYjsSyncStep1));
    const live = server.registry.get(room.id);
    // What the spectator had (its join's sync would have brought it): the frame below comes on top.
    const watcher = new Y.Doc();
    Y.applyUpdate(watcher, Y.encodeStateAsUpdate(live?.doc ?? new Y.Doc()));
    const text = maker.doc.getText('prompt');
    for (let i = 0; i < 20; i++) maker.doc.transact(() => text.insert(text.length, 'k'));
    // The maker's cursor moves too: held like the keystrokes.
    const makerClient = maker.doc.clientID;
    for (let cursor = 0; cursor < 5; cursor++) {
      maker.provider.awareness.setLocalStateField('cursor', cursor);
      await waitFor(
        () => live?.awareness.getStates().get(makerClient)?.cursor === cursor,
        WAIT_BUDGET_MS,
        `cursor ${cursor} on the server`,
      );
    }
    // Sent on by the room (to makers at once): the other maker has the last.
    await waitFor(
      () => otherMaker.provider.awareness.getStates().get(makerClient)?.cursor === 4,
      WAIT_BUDGET_MS,
      'the last cursor sent on',
    );
    await waitFor(() => live?.doc.getText('prompt').length === 20, WAIT_BUDGET_MS, 'the keystrokes on the server');
    expect(updatesIn(raw.frames)).toHaveLength(0);

    live?.transact((doc) => doc.getMap('meta').set('title', 'Renamed'), 'test');
    await waitFor(() => updatesIn(raw.frames).length > 0, WAIT_BUDGET_MS, 'the held changes');
    const [only] = updatesIn(raw.frames);
    expect(updatesIn(raw.frames)).toHaveLength(1);
    // One frame: the 20 keystrokes and the rename, merged.
    const decoder = decoding.createDecoder(only as Uint8Array);
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    Y.applyUpdate(watcher, decoding.readVarUint8Array(decoder));
    expect(watcher.getText('prompt').toString()).toBe('k'.repeat(20));
    expect(watcher.getMap('meta').get('title')).toBe('Renamed');
    // And the five cursor moves as one awareness frame: the latest state only.
    const makerStates = raw.frames
      .filter((f) => f[0] === YWS_MESSAGE.awareness)
      .flatMap((f) => {
        const d = decoding.createDecoder(f);
        decoding.readVarUint(d);
        return readAwarenessUpdate(decoding.readVarUint8Array(d), 100);
      })
      .filter((entry) => entry.clientId === makerClient);
    expect(makerStates.map((entry) => JSON.parse(entry.json).cursor)).toEqual([4]);
  });

  it('gives a spectator made a maker what was held back from it', async () => {
    const { server, owner, viewerA, room, invites } = await roomWithViewInvite({ SPECTATOR_INTERVAL_MS: '60000' });
    const maker = await joinWithSocketIo(server.url, owner.token, room.id);
    const watcher = await joinWithYWebsocket(server.url, viewerA.token, room.id, invites.view);
    const text = maker.doc.getText('prompt');
    for (let i = 0; i < 10; i++) maker.doc.transact(() => text.insert(text.length, 'h'));
    const live = server.registry.get(room.id);
    await waitFor(() => live?.doc.getText('prompt').length === 10, WAIT_BUDGET_MS, 'the keystrokes on the server');

    live?.setRole(viewerA.user.id, 'editor');
    await waitFor(() => sameDoc(watcher.doc, maker.doc), WAIT_BUDGET_MS, 'the new maker has what was held');
    // And as a maker it hears the next keystroke directly.
    maker.doc.transact(() => text.insert(0, 'm'));
    await waitFor(() => sameDoc(watcher.doc, maker.doc), WAIT_BUDGET_MS, 'the next keystroke');
  });
});
