import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { JoinAck } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { names } from '../helpers/replica.ts';

describe('presence', () => {
  it('appears on join and disappears within a second of a disconnect, on both transports', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const wes = await http.session('Wes');
    const { room } = await http.room(ann.token);

    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    a.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    // A late joiner gets the presence already there.
    await waitFor(() => names(b.provider.awareness.getStates()).join() === 'Ann');
    b.provider.awareness.setLocalStateField('user', { name: 'Bob' });
    const w = await joinWithYWebsocket(server.url, wes.token, room.id);
    w.provider.awareness.setLocalStateField('user', { name: 'Wes' });
    await waitFor(() => names(a.provider.awareness.getStates()).join() === 'Ann,Bob,Wes');
    await waitFor(() => names(w.provider.awareness.getStates()).join() === 'Ann,Bob,Wes');

    // Socket.IO participant drops without saying goodbye. The server removes
    // its state when the connection closes; awareness's own timeout (30 s)
    // could never make these waits.
    b.socket.disconnect();
    await waitFor(() => names(a.provider.awareness.getStates()).join() === 'Ann,Wes', WAIT_BUDGET_MS, 'Bob gone');
    await waitFor(() => names(w.provider.awareness.getStates()).join() === 'Ann,Wes', WAIT_BUDGET_MS, 'Bob gone for ws');

    // WebSocket participant's socket closes.
    w.provider.shouldConnect = false;
    w.provider.ws?.close();
    await waitFor(() => names(a.provider.awareness.getStates()).join() === 'Ann', WAIT_BUDGET_MS, 'Wes gone');
  });

  it('a participant cannot speak for another participant’s awareness client', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const eve = await http.session('Eve');
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    a.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    const e = await joinWithSocketIo(server.url, eve.token, room.id);
    await waitFor(() => e.provider.awareness.getStates().has(a.doc.clientID));
    // Eve forges a removal of Ann's state (null, higher clock) with Ann's client id.
    const { encodeAwarenessUpdate, Awareness } = await import('y-protocols/awareness');
    const forged = new Awareness(new Y.Doc());
    forged.clientID = a.doc.clientID;
    forged.states.set(a.doc.clientID, { user: { name: 'Mallory' } });
    forged.meta.set(a.doc.clientID, { clock: 999, lastUpdated: Date.now() });
    const errors: string[] = [];
    e.socket.on('room:error', (_id, error) => errors.push(error.code));
    e.socket.emit('yjs:awareness', room.id, encodeAwarenessUpdate(forged, [a.doc.clientID]));
    await waitFor(() => errors.includes('forbidden'));
    // Ann's state as the server stamped it (her account's user), not Mallory's.
    const held = server.registry.get(room.id)!.awareness.getStates().get(a.doc.clientID);
    expect(held).toEqual({
      user: { id: ann.user.id, name: 'Ann', color: ann.user.color, colorLight: `${ann.user.color}33` },
      watching: false,
    });
  });
});

describe('roles on the realtime transports', () => {
  it('viewers read and show presence but their edits change nothing, on both transports', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const vic = await http.session('Vic');
    const wes = await http.session('Wes');
    const { room, invites } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    a.doc.getText(ROOTS.prompt).insert(0, 'owned text');

    const v = await joinWithSocketIo(server.url, vic.token, room.id, invites.view);
    expect(v.joined.role).toBe('viewer');
    await waitFor(() => v.doc.getText(ROOTS.prompt).toString() === 'owned text');
    const errors: string[] = [];
    v.socket.on('room:error', (_id, e) => errors.push(e.code));
    v.doc.getText(ROOTS.prompt).insert(0, 'VANDAL ');
    v.provider.awareness.setLocalStateField('user', { name: 'Vic' });
    await waitFor(() => errors.includes('forbidden'));

    const w = await joinWithYWebsocket(server.url, wes.token, room.id, invites.view);
    w.doc.getText(ROOTS.prompt).insert(0, 'WS VANDAL ');
    w.provider.awareness.setLocalStateField('user', { name: 'Wes' });
    // Presence of viewers still works both ways. Wes's presence left after his edit, on the same socket: once
    // Ann sees it, the server has dealt with the edit, and would have sent it to her first had it taken it (Vic's
    // edit was dealt with once his refusal came).
    await waitFor(() => names(a.provider.awareness.getStates()).join() === 'Vic,Wes');
    expect(a.doc.getText(ROOTS.prompt).toString()).toBe('owned text');
    expect(server.registry.get(room.id)!.doc.getText(ROOTS.prompt).toString()).toBe('owned text');
    // Ann keeps editing; everyone (viewers too) gets her edits and never the vandalism.
    a.doc.getText(ROOTS.prompt).insert(10, '!');
    await waitFor(() => v.doc.getText(ROOTS.prompt).toString().endsWith('!'));
    expect(a.doc.getText(ROOTS.prompt).toString()).toBe('owned text!');
    expect(server.registry.get(room.id)!.doc.getText(ROOTS.prompt).toString()).toBe('owned text!');
  });

  it('joins are refused with typed errors: anonymous, unknown room, invite-only, forged token', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const { room, invites } = await http.room(ann.token, { linkAccess: 'none' });
    const join = (socket: ReturnType<typeof connectSocket>, roomId: unknown, options: object = {}) =>
      new Promise<JoinAck>((resolve) => socket.emit('room:join', roomId as string, options, resolve));

    const anonymous = connectSocket(server.url);
    expect(await join(anonymous, room.id)).toEqual({ ok: false, error: { code: 'unauthorized', message: expect.any(String) } });

    const b = connectSocket(server.url, bob.token);
    expect(await join(b, 'AAAAAAAAAAAAAAAAAAAAAA')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await join(b, 42)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await join(b, room.id)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await join(b, room.id, { invite: 'not-a-real-invite-code' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await join(b, room.id, { invite: invites.edit })).toMatchObject({ ok: true, role: 'editor', jobs: [] });
    // Remembered: a new connection needs no invite now.
    const b2 = connectSocket(server.url, bob.token);
    expect(await join(b2, room.id)).toMatchObject({ ok: true, role: 'editor' });

    const forged = connectSocket(server.url, `${ann.token.slice(0, -2)}xx`);
    const error = await new Promise<Error & { data?: unknown }>((resolve) => forged.on('connect_error', resolve));
    expect(error.data).toEqual({ code: 'unauthorized', message: expect.any(String) });
  });
});
