// `shareSignals` on the session: off by default, changed by PATCH, kept
// across restarts, and private to its user.
import { describe, expect, it } from 'vitest';
import type { SessionUserResponse } from '../../shared/protocol.ts';
import { studio } from '../gallery/helpers.ts';
import { api, startServer, tempDir } from '../helpers/server.ts';

describe('consent to share signals', () => {
  it('is off for a new session, set and withdrawn with PATCH /api/session, and read back by GET', async () => {
    const dataDir = tempDir();
    const server = await startServer({ DATA_DIR: dataDir });
    const http = api(server.url);
    const { user, token } = await http.session('Ann');
    expect(user).toEqual({ id: user.id, name: 'Ann', color: user.color, shareSignals: false, account: false });
    const get = () => http.json<SessionUserResponse>('GET', '/api/session', { token });
    const patch = (body: object) => http.json<SessionUserResponse>('PATCH', '/api/session', { token, body });
    expect((await get()).user.shareSignals).toBe(false);

    expect((await patch({ shareSignals: true })).user).toEqual({ ...user, shareSignals: true });
    expect((await get()).user.shareSignals).toBe(true);
    // A patch that does not name it leaves it as it is.
    expect((await patch({ name: 'Anna' })).user).toEqual({ ...user, name: 'Anna', shareSignals: true });
    expect((await patch({})).user.shareSignals).toBe(true);

    for (const body of [{ shareSignals: 'yes' }, { shareSignals: 1 }, { shareSignals: null }]) {
      const res = await http.request('PATCH', '/api/session', { token, body });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toEqual({ code: 'bad_request', message: expect.stringMatching(/^shareSignals: /) });
    }
    expect((await get()).user.shareSignals).toBe(true);
    expect((await http.request('PATCH', '/api/session', { body: { shareSignals: true } })).status).toBe(401);

    await server.close();
    const restarted = api((await startServer({ DATA_DIR: dataDir })).url);
    expect((await restarted.json<SessionUserResponse>('GET', '/api/session', { token })).user).toEqual({
      ...user,
      name: 'Anna',
      shareSignals: true,
    });
    expect(
      (await restarted.json<SessionUserResponse>('PATCH', '/api/session', { token, body: { shareSignals: false } })).user.shareSignals,
    ).toBe(false);
  });

  it('is nobody else’s business: users seen by others carry no consent', async () => {
    const server = await startServer();
    const ann = await studio(server, 'Ann');
    await api(server.url).json('PATCH', '/api/session', { token: ann.token, body: { shareSignals: true } });
    const work = await ann.publish('Mine');
    expect(work.authors).toEqual([{ id: ann.user.id, name: 'Ann', color: ann.user.color }]);
    const read = await api(server.url).json<{ authors: object[] }>('GET', `/api/works/${work.id}`);
    expect(read.authors).toEqual([{ id: ann.user.id, name: 'Ann', color: ann.user.color }]);
  });
});
