// Handles (validated, unique under look-alikes, reserved names refused, held
// after a change) and profiles (API, works paging, the page with its
// OpenGraph tags, bio, avatar through the media store).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ProfileResponse } from '../../shared/accounts.ts';
import type { GalleryPage, SessionUser } from '../../shared/protocol.ts';
import type { Atelier } from '../../server/atelier.ts';
import { type AccountServer, accountServer, accountWithPasskey, insertWork } from './helpers.ts';

async function patch(server: AccountServer, token: string, body: object): Promise<{ status: number; code?: string; user?: SessionUser }> {
  const res = await server.http.request('PATCH', '/api/session', { token, body });
  const json = (await res.json()) as { user?: SessionUser; error?: { code: string } };
  return { status: res.status, code: json.error?.code, user: json.user };
}

/** A published work straight into the gallery store (the publishing path has tests of its own). */
async function publishedWork(atelier: Atelier, authorIds: string[], title: string) {
  const [owner = ''] = authorIds;
  const { room } = await atelier.directory.create(owner, { title: 'R' });
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#88aacc' } })
    .png()
    .toBuffer();
  const image = await atelier.media.put(png, 'png');
  return insertWork(atelier, room.id, authorIds, title, { prompt: 'p', imageUrl: image.url, thumbUrl: image.url, placeholder: '#88aacc' });
}

describe('handles', () => {
  it('accounts choose a handle (normalized); guests cannot; bad shapes are bad_request, reserved names and look-alikes conflict', async () => {
    const server = await accountServer({ HANDLE_CHANGES_PER_DAY: '100' });
    const guest = await server.http.session('Guest');
    expect(await patch(server, guest.token, { handle: 'guesty' })).toMatchObject({ status: 403, code: 'forbidden' });
    const ann = await accountWithPasskey(server, 'Ann');
    expect(await patch(server, ann.token, { handle: '@Alice' })).toMatchObject({ status: 200, user: { handle: 'alice' } });
    for (const bad of ['ab', 'a-b', 'x'.repeat(31), '___', 'al ice', 'émile', 42]) {
      expect(await patch(server, ann.token, { handle: bad }), String(bad)).toMatchObject({ status: 400, code: 'bad_request' });
    }
    const bob = await accountWithPasskey(server, 'Bob');
    for (const squat of [
      'admin',
      'Admin',
      'adm1n',
      'a_d_m_i_n',
      'api',
      'u__',
      'r__',
      '_g_',
      'settings',
      'atelier_team',
      'the_atelier',
      'official_news',
      'moderator',
      'm0d',
      'support',
    ]) {
      expect(await patch(server, bob.token, { handle: squat }), squat).toMatchObject({ status: 409, code: 'conflict' });
    }
    for (const lookalike of ['alice', 'ALICE', 'a1ice', 'al_ice', 'aiice', 'a_l_i_c_e']) {
      expect(await patch(server, bob.token, { handle: lookalike }), lookalike).toMatchObject({ status: 409, code: 'conflict' });
    }
    // Nothing changed: Bob has no handle, Ann keeps hers.
    expect((await server.http.json<{ user: SessionUser }>('GET', '/api/session', { token: bob.token })).user.handle).toBeUndefined();
    expect((await server.http.json<{ user: SessionUser }>('GET', '/api/session', { token: ann.token })).user.handle).toBe('alice');
  });

  it('a changed handle stays its owner’s for HANDLE_HOLD_DAYS; old links lead to the owner', async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server, 'Ann');
    const bob = await accountWithPasskey(server, 'Bob');
    await patch(server, ann.token, { handle: 'alice' });
    expect(await patch(server, ann.token, { handle: 'alice_paints' })).toMatchObject({ status: 200 });
    expect(await patch(server, bob.token, { handle: 'alice' })).toMatchObject({ status: 409, code: 'conflict' });
    const profile = await server.http.json<ProfileResponse>('GET', '/api/users/alice');
    expect(profile.user).toMatchObject({ id: ann.user.id, handle: 'alice_paints' });
    const page = await fetch(`${server.origin}/u/alice`, { redirect: 'manual' });
    expect(page.status).toBe(301);
    expect(page.headers.get('location')).toBe('/u/alice_paints');

    const relaxed = await accountServer({ HANDLE_HOLD_DAYS: '0' });
    const cid = await accountWithPasskey(relaxed, 'Cid');
    const dan = await accountWithPasskey(relaxed, 'Dan');
    await patch(relaxed, cid.token, { handle: 'cid' });
    await patch(relaxed, cid.token, { handle: 'cid_two' });
    expect(await patch(relaxed, dan.token, { handle: 'cid' })).toMatchObject({ status: 200, user: { handle: 'cid' } });
  });

  it('HANDLE_CHANGES_PER_DAY limits handle changes', async () => {
    const server = await accountServer({ HANDLE_CHANGES_PER_DAY: '2' });
    const ann = await accountWithPasskey(server, 'Ann');
    expect((await patch(server, ann.token, { handle: 'ann_one' })).status).toBe(200);
    expect((await patch(server, ann.token, { handle: 'ann_two' })).status).toBe(200);
    // Setting the handle one already has is no change; a name change is not limited.
    expect((await patch(server, ann.token, { handle: 'ann_two', name: 'Annie' })).status).toBe(200);
    expect(await patch(server, ann.token, { handle: 'ann_three' })).toMatchObject({ status: 429, code: 'rate_limited' });
    // Invalid handles never reach the limit; they are refused first.
    expect(await patch(server, ann.token, { handle: 'a' })).toMatchObject({ status: 400, code: 'bad_request' });
    expect((await server.http.json<{ user: SessionUser }>('GET', '/api/session', { token: ann.token })).user.handle).toBe('ann_two');
  });
});

describe('profiles', () => {
  it('shows a user by handle or id with stats and their works, newest first, in cursor pages', async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server, 'Ann');
    const bob = await server.http.session('Bob');
    await patch(server, ann.token, { handle: 'ann', bio: 'I paint harbours.\nMostly at dawn.' });
    const works = [];
    for (let i = 0; i < 5; i++)
      works.push(await publishedWork(server.atelier, i === 2 ? [bob.user.id, ann.user.id] : [ann.user.id], `Work ${i}`));
    await publishedWork(server.atelier, [bob.user.id], 'Bob alone');
    await server.atelier.store.gallery.like(works[0]?.id ?? '', bob.user.id);
    const profile = await server.http.json<ProfileResponse>('GET', '/api/users/ann');
    expect(profile).toEqual({
      user: { id: ann.user.id, name: 'Ann', color: ann.user.color, handle: 'ann', bio: 'I paint harbours.\nMostly at dawn.' },
      stats: { works: 5, followers: 0, following: 0, likes: 1 },
      followedByMe: false,
      blockedByMe: false,
    });
    expect((await server.http.json<ProfileResponse>('GET', `/api/users/${ann.user.id}`)).user.handle).toBe('ann');
    // A guest has a profile by id.
    expect((await server.http.json<ProfileResponse>('GET', `/api/users/${bob.user.id}`)).stats.works).toBe(2);
    expect((await server.http.request('GET', '/api/users/nobody_at_all')).status).toBe(404);

    const first = await server.http.json<GalleryPage>('GET', '/api/users/ann/works?limit=2');
    expect(first.items.map((w) => w.title)).toEqual(['Work 4', 'Work 3']);
    const second = await server.http.json<GalleryPage>('GET', `/api/users/ann/works?limit=2&cursor=${first.nextCursor}`);
    const third = await server.http.json<GalleryPage>('GET', `/api/users/ann/works?limit=2&cursor=${second.nextCursor}`);
    expect([...second.items, ...third.items].map((w) => w.title)).toEqual(['Work 2', 'Work 1', 'Work 0']);
    expect(third.nextCursor).toBeNull();
    expect(second.items[0]?.authors.map((a) => a.handle ?? a.name)).toEqual(['Bob', 'ann']);
    expect((await server.http.request('GET', '/api/users/ann/works?cursor=garbage')).status).toBe(400);
  });

  it('bio: at most 300 characters, plain text with line breaks', async () => {
    const server = await accountServer();
    const ann = await server.http.session('Ann');
    expect((await patch(server, ann.token, { bio: 'é'.repeat(300) })).status).toBe(200);
    expect(await patch(server, ann.token, { bio: 'é'.repeat(301) })).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await patch(server, ann.token, { bio: 'bell\u0007' })).toMatchObject({ status: 400, code: 'bad_request' });
    expect((await patch(server, ann.token, { bio: '' })).user?.bio).toBeUndefined();
  });

  it('/u/:handle is a page with OpenGraph tags and readable content, every user string escaped', async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server, 'Ann <script>');
    await patch(server, ann.token, { handle: 'ann', bio: 'Harbours & "dawns" </script><script>alert(1)</script>' });
    await publishedWork(server.atelier, [ann.user.id], 'Quiet harbour');
    const res = await fetch(`${server.origin}/u/ann`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<meta property="og:type" content="profile" />');
    expect(html).toContain(`<meta property="og:url" content="${server.origin}/u/ann" />`);
    expect(html).toContain('<meta property="og:title" content="Ann &lt;script&gt; (@ann)" />');
    expect(html).toContain('<meta property="profile:username" content="ann" />');
    expect(html).toMatch(/<meta property="og:image" content="http:\/\/localhost:\d+\/media\/[0-9a-f]{64}\.png" \/>/);
    expect(html).toContain('<link rel="canonical"');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('Quiet harbour');
    // By id, it redirects to the handle; an unknown one is a 404 page.
    const byId = await fetch(`${server.origin}/u/${ann.user.id}`, { redirect: 'manual' });
    expect(byId.headers.get('location')).toBe('/u/ann');
    expect((await fetch(`${server.origin}/u/no_such_person`)).status).toBe(404);
  });

  it('an uploaded avatar is re-encoded square through the media store; non-images and oversized files are refused', async () => {
    const server = await accountServer({ MAX_UPLOAD_BYTES: '200000' });
    const ann = await server.http.session('Ann');
    const photo = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#e11d48' } })
      .jpeg()
      .toBuffer();
    const put = (body: Uint8Array<ArrayBuffer>) =>
      fetch(`${server.origin}/api/account/avatar`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ann.token}`, 'content-type': 'image/jpeg' },
        body,
      });
    const res = await put(new Uint8Array(photo));
    expect(res.status).toBe(200);
    const { user } = (await res.json()) as { user: SessionUser };
    expect(user.avatarUrl).toMatch(/^\/media\/[0-9a-f]{64}\.webp$/);
    const stored = await fetch(server.origin + (user.avatarUrl ?? ''));
    expect(await sharp(Buffer.from(await stored.arrayBuffer())).metadata()).toMatchObject({ width: 256, height: 256, format: 'webp' });
    expect((await server.http.json<ProfileResponse>('GET', `/api/users/${ann.user.id}`)).user.avatarUrl).toBe(user.avatarUrl);

    expect((await put(new Uint8Array(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')))).status).toBe(400);
    expect((await put(new Uint8Array(300_000))).status).toBe(413);
    const removed = await server.http.json<{ user: SessionUser }>('DELETE', '/api/account/avatar', { token: ann.token });
    expect(removed.user.avatarUrl).toBeUndefined();
  });
});
