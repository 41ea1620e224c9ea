// Every way the server lets a connection go, on all three kinds of connection
// to a room: a Socket.IO socket joined to it, the Yjs WebSocket with events
// (`?events=1`, the web client's room page) and a plain y-websocket client.
// Whoever is let go goes the same way on each, and whoever may stay stays on
// each: a moderator closing a room (its owner stays), a block, suspension, a
// role change, closing an account (its deleted rooms empty). The rest of the event sockets' house rules are in
// ws-events-rules.test.ts.
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Atelier } from '../../server/atelier.ts';
import { CLOSE_CODES, YWS_MESSAGE } from '../../shared/protocol.ts';
import { joinRoom } from '../live/helpers.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { ended, everywhere, letGo, present, stays } from '../helpers/three-ways.ts';
import { type Person, person } from '../social/helpers.ts';

/** A moderator's id must be in the config when the server starts: a first run makes the account. */
async function withModerator(): Promise<{ server: Atelier; mod: Person }> {
  const first = await startServer();
  const mod = await person(first, 'Mod');
  await first.close();
  return { server: await startServer({ DATA_DIR: first.config.dataDir, MODERATORS: mod.id }), mod };
}

/** A y-websocket update frame typing `text` into the prompt. */
function promptUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('prompt').insert(0, text);
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YWS_MESSAGE.sync);
  syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc));
  return encoding.toUint8Array(encoder);
}

describe('letting connections go, on every transport', () => {
  it('a moderator closing a room lets everyone but its owner go, the same way on each transport; the owner stays on all three', async () => {
    const { server, mod } = await withModerator();
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    const { room } = await http.room(ann!.token, { linkAccess: 'edit' });
    const owner = await everywhere(server, room.id, ann!.token);
    const editor = await everywhere(server, room.id, bob!.token);

    const { report } = await http.json<{ report: { id: string } }>('POST', '/api/reports', {
      token: bob!.token,
      body: { target: { type: 'room', id: room.id }, reason: 'spam' },
    });
    await http.json('POST', `/api/moderation/reports/${report.id}`, { token: mod.token, body: { action: 'hide' }, expect: 200 });
    await letGo(editor, room.id, 'forbidden');
    await stays(owner, room.id);
    expect(present(server, room.id)).toEqual([ann!.id, ann!.id, ann!.id]);
    expect(owner.sio.evicted).toEqual([]);
    expect(owner.events.of('room:evicted')).toEqual([]);
    // Bob cannot come back on any transport.
    expect(await joinRoom(editor.sio.socket, room.id)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await rawYjsSocket(server.url, `/yjs/${room.id}?token=${bob!.token}`).closed).code).toBe(CLOSE_CODES.forbidden);
  });

  it('an editor the owner blocks is let go on every transport; the owner and another editor stay', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const { room, invites } = await http.room(ann!.token, { linkAccess: 'none' });
    const owner = await everywhere(server, room.id, ann!.token);
    const blocked = await everywhere(server, room.id, bob!.token, invites.edit);
    const other = await everywhere(server, room.id, cid!.token, invites.edit);
    await http.json('POST', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 });
    await letGo(blocked, room.id, 'forbidden');
    await stays(owner, room.id);
    await stays(other, room.id);
    expect(present(server, room.id)).toEqual([...Array(3).fill(ann!.id), ...Array(3).fill(cid!.id)].sort());
  });

  it("suspension ends every connection of the user on every transport (4401), and nobody else's", async () => {
    const { server, mod } = await withModerator();
    const http = api(server.url);
    const [ann, cid] = await Promise.all(['Ann', 'Cid'].map((n) => person(server, n)));
    const { room } = await http.room(ann!.token, { linkAccess: 'edit' });
    const owner = await everywhere(server, room.id, ann!.token);
    const suspended = await everywhere(server, room.id, cid!.token);
    const { report } = await http.json<{ report: { id: string } }>('POST', '/api/reports', {
      token: ann!.token,
      body: { target: { type: 'user', id: cid!.id }, reason: 'spam' },
    });
    await http.json('POST', `/api/moderation/reports/${report.id}`, { token: mod.token, body: { action: 'suspend' }, expect: 200 });
    await ended(suspended, 'unauthorized');
    await stays(owner, room.id);
    expect(present(server, room.id)).toEqual([ann!.id, ann!.id, ann!.id]);
  });

  it("a role change reaches every transport: Socket.IO and event sockets are told, a plain socket's writes follow it", async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    const { room } = await http.room(ann!.token, { linkAccess: 'view' });
    const owner = await everywhere(server, room.id, ann!.token);
    const bobs = await everywhere(server, room.id, bob!.token);
    const prompt = () => server.registry.get(room.id)!.doc.getText('prompt').toString();

    expect(await owner.events.call('room:grant', room.id, bob!.id, 'editor')).toMatchObject({ ok: true });
    await waitFor(() => bobs.sio.roles.includes('editor'), WAIT_BUDGET_MS, 'room:role on Socket.IO');
    expect(await bobs.events.next('room:role')).toEqual([room.id, { role: 'editor' }]);
    bobs.plain.send(promptUpdate('granted'));
    await waitFor(() => prompt().includes('granted'), WAIT_BUDGET_MS, 'the plain editor writes');

    expect(await owner.events.call('room:grant', room.id, bob!.id, 'viewer')).toMatchObject({ ok: true });
    await waitFor(() => bobs.sio.roles.includes('viewer'), WAIT_BUDGET_MS, 'room:role on Socket.IO');
    await bobs.events.next('room:role', (args) => (args[1] as { role: string }).role === 'viewer');
    const before = bobs.plain.frames.length;
    bobs.plain.send(promptUpdate('revoked'));
    await waitFor(() => bobs.plain.frames.slice(before).some((f) => f[0] === YWS_MESSAGE.auth), WAIT_BUDGET_MS, 'permission denied');
    expect(prompt()).not.toContain('revoked');
    // A change of role is not a kick: every connection stays.
    expect(present(server, room.id)).toEqual([...Array(3).fill(ann!.id), ...Array(3).fill(bob!.id)].sort());
    expect(bobs.plain.ws.readyState).toBe(bobs.plain.ws.OPEN);
    expect(bobs.events.raw.ws.readyState).toBe(bobs.events.raw.ws.OPEN);
  });

  it('closing an account ends its connections on every transport, and whoever is in one of its deleted rooms is let go (not_found)', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    // Bob came by the link and has changed nothing: the room is Ann's alone, and goes with her account.
    const { room } = await http.room(ann!.token, { linkAccess: 'edit' });
    const owner = await everywhere(server, room.id, ann!.token);
    const guest = await everywhere(server, room.id, bob!.token);
    expect((await http.request('DELETE', '/api/account', { token: ann!.token, body: { confirm: true } })).status).toBe(204);
    expect((await http.request('GET', `/api/rooms/${room.id}`, { token: bob!.token })).status).toBe(404);
    await ended(owner, 'unauthorized');
    await letGo(guest, room.id, 'not_found');
    await waitFor(
      () => server.registry.get(room.id) === undefined || present(server, room.id).length === 0,
      WAIT_BUDGET_MS,
      'the room empty',
    );
  });
});
