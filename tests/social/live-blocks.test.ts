// Blocks reach the live gallery: a work published while you watch the feed
// does not arrive if you block one of its authors, on the socket of the
// blocker (wherever it is connected), while everyone else hears of it.
import { describe, expect, it } from 'vitest';
import type { Work } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { studio } from '../gallery/helpers.ts';

describe('blocks in the live gallery', () => {
  it('a published work skips the feed sockets of people who block its author', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const dee = await studio(server, 'Dee');
    const bob = await http.session('Bob');
    const cid = await http.session('Cid');
    await http.json('POST', `/api/users/${ann.user.id}/block`, { token: bob.token, expect: 200 });
    // Blocking goes one way: Ann still sees what Bob's block hides from him.
    const watch = async (token?: string) => {
      const socket = connectSocket(server.url, token);
      const titles: string[] = [];
      socket.on('gallery:published', (work: Work) => titles.push(work.title));
      await new Promise((resolve) => socket.emit('gallery:subscribe', resolve));
      return titles;
    };
    const seenByBob = await watch(bob.token);
    const seenByCid = await watch(cid.token);
    const seenByAnyone = await watch();

    await ann.publish('by the blocked');
    await dee.publish('by someone else');
    // Events reach each socket in the order they were sent: once Bob has Dee's, Ann's would have come first.
    await waitFor(() => seenByBob.length === 1 && seenByCid.length === 2 && seenByAnyone.length === 2);
    expect(seenByBob).toEqual(['by someone else']);
    expect(seenByCid).toEqual(['by the blocked', 'by someone else']);
    expect(seenByAnyone).toEqual(['by the blocked', 'by someone else']);

    await http.json('DELETE', `/api/users/${ann.user.id}/block`, { token: bob.token, expect: 200 });
    await ann.publish('after the unblock');
    await waitFor(() => seenByBob.length === 2);
    expect(seenByBob).toEqual(['by someone else', 'after the unblock']);
  });
});
