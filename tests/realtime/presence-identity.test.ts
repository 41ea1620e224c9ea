// Who a person is in the room's presence (the name and colour on their cursor
// and in the people list) comes from their account, not from what their
// client says: the server stamps `user` on every state that has one, on both
// transports, and restamps it when the profile changes.
import { describe, expect, it } from 'vitest';
import { joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

type State = Record<string, unknown>;
const userOf = (state: State | undefined) => state?.user as { id?: string; name?: string; color?: string; colorLight?: string } | undefined;
const stateOf = (states: Map<number, State>, clientId: number) => states.get(clientId);

describe('presence identity', () => {
  it('a client cannot show itself as someone else, on either transport; a rename shows at once', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cy] = await Promise.all([http.session('Ann'), http.session('Bob'), http.session('Cy')]);
    const { room, invites } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    const b = await joinWithSocketIo(server.url, bob.token, room.id, invites.edit);
    const c = await joinWithYWebsocket(server.url, cy.token, room.id, invites.edit);

    // Bob and Cy both pretend to be Ann, down to her id and colour.
    const forged = { id: ann.user.id, name: 'Ann', color: ann.user.color, colorLight: `${ann.user.color}33` };
    b.provider.awareness.setLocalState({ user: forged, typing: true });
    c.provider.awareness.setLocalState({ user: forged, typing: true });
    const seen = (clientId: number) => userOf(stateOf(a.provider.awareness.getStates(), clientId));
    await waitFor(() => seen(b.doc.clientID)?.name === 'Bob', WAIT_BUDGET_MS, 'Bob shown as Bob');
    await waitFor(() => seen(c.doc.clientID)?.name === 'Cy', WAIT_BUDGET_MS, 'Cy shown as Cy');
    expect(seen(b.doc.clientID)).toEqual({ id: bob.user.id, name: 'Bob', color: bob.user.color, colorLight: `${bob.user.color}33` });
    expect(seen(c.doc.clientID)?.id).toBe(cy.user.id);
    // The rest of the state is theirs to say.
    expect(stateOf(a.provider.awareness.getStates(), b.doc.clientID)?.typing).toBe(true);
    // The room's own copy agrees (a forger's own provider keeps what it wrote: nobody else sees it).
    expect(userOf(server.registry.get(room.id)?.awareness.getStates().get(c.doc.clientID))?.name).toBe('Cy');

    // A state without `user` is left without one.
    c.provider.awareness.setLocalState({ cursor: null });
    await waitFor(() => stateOf(a.provider.awareness.getStates(), c.doc.clientID)?.cursor === null, WAIT_BUDGET_MS, 'the cursor state');
    expect(userOf(stateOf(a.provider.awareness.getStates(), c.doc.clientID))).toBeUndefined();

    // Bob renames himself over HTTP; the room shows it without his client saying anything.
    await http.json('PATCH', '/api/session', { token: bob.token, body: { name: 'Robert', color: '#123456' } });
    await waitFor(() => seen(b.doc.clientID)?.name === 'Robert', WAIT_BUDGET_MS, 'the new name');
    expect(seen(b.doc.clientID)?.color).toBe('#123456');
    // His provider carries on from the server's clock: his next change is heard.
    b.provider.awareness.setLocalStateField('typing', false);
    await waitFor(() => stateOf(a.provider.awareness.getStates(), b.doc.clientID)?.typing === false, WAIT_BUDGET_MS, 'his next change');
    expect(seen(b.doc.clientID)?.name).toBe('Robert');
  });
});
