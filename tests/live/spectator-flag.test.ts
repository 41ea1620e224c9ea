// The people list shows spectators apart by the `watching` field of each
// awareness state. The server stamps it from the connection's role, on both
// transports, so a client lying about itself is shown as what it is.
import { describe, expect, it } from 'vitest';
import { joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

type States = Map<number, Record<string, unknown>>;
const watchingOf = (states: States, name: string) =>
  [...states.values()].find((s) => (s.user as { name?: string } | undefined)?.name === name)?.watching;

describe('the spectator flag', () => {
  it('is set by the server from the role, whatever the client claims, and follows a grant at once', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, vic, wes] = await Promise.all([http.session('Ann'), http.session('Vic'), http.session('Wes')]);
    const { room, invites } = await http.room(ann.token);

    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    // The owner claims to be only watching; viewers on each transport claim to be makers.
    a.provider.awareness.setLocalState({ user: { name: 'Ann' }, watching: true });
    const v = await joinWithSocketIo(server.url, vic.token, room.id, invites.view);
    expect(v.joined.role).toBe('viewer');
    v.provider.awareness.setLocalState({ user: { name: 'Vic' }, watching: false });
    const w = await joinWithYWebsocket(server.url, wes.token, room.id, invites.view);
    w.provider.awareness.setLocalState({ user: { name: 'Wes' }, watching: false });

    await waitFor(() => watchingOf(a.provider.awareness.getStates(), 'Vic') === true, WAIT_BUDGET_MS, 'Vic shown watching');
    await waitFor(() => watchingOf(a.provider.awareness.getStates(), 'Wes') === true, WAIT_BUDGET_MS, 'Wes shown watching');
    await waitFor(() => watchingOf(v.provider.awareness.getStates(), 'Ann') === false, WAIT_BUDGET_MS, 'Ann shown making');
    await waitFor(() => watchingOf(w.provider.awareness.getStates(), 'Ann') === false, WAIT_BUDGET_MS, 'Ann shown making on ws');
    const held = server.registry.get(room.id)?.awareness.getStates();
    expect(held && [watchingOf(held, 'Ann'), watchingOf(held, 'Vic'), watchingOf(held, 'Wes')]).toEqual([false, true, true]);

    // Vic is let edit and never says so himself: everyone sees him making, his own provider too.
    server.registry.get(room.id)?.setRole(vic.user.id, 'editor');
    await waitFor(() => watchingOf(a.provider.awareness.getStates(), 'Vic') === false, WAIT_BUDGET_MS, 'Vic shown making');
    await waitFor(() => watchingOf(w.provider.awareness.getStates(), 'Vic') === false, WAIT_BUDGET_MS, 'Vic shown making on ws');
    await waitFor(() => v.provider.awareness.getLocalState()?.watching === false, WAIT_BUDGET_MS, 'Vic adopts it');
    // His provider carries on from the server's clock: his next change is heard.
    v.provider.awareness.setLocalStateField('typing', true);
    await waitFor(() => [...a.provider.awareness.getStates().values()].some((s) => s.typing === true), WAIT_BUDGET_MS, 'Vic typing');
    expect(watchingOf(a.provider.awareness.getStates(), 'Vic')).toBe(false);
    // Taken back: watching again, and a claim otherwise is rewritten.
    server.registry.get(room.id)?.setRole(vic.user.id, 'viewer');
    await waitFor(() => watchingOf(a.provider.awareness.getStates(), 'Vic') === true, WAIT_BUDGET_MS, 'Vic watching again');
    v.provider.awareness.setLocalState({ user: { name: 'Vic' }, watching: false, typing: false });
    await waitFor(() => [...a.provider.awareness.getStates().values()].every((s) => s.typing !== true), WAIT_BUDGET_MS, 'the claim heard');
    expect(watchingOf(a.provider.awareness.getStates(), 'Vic')).toBe(true);
  });
});
