// OpenID Connect sign-in against a real OpenID Provider (npm oidc-provider)
// started here on port 0: sign in, claim the current guest, link a second
// identity; wrong state, nonce or issuer, replays and conflicts refused.
import { describe, expect, it } from 'vitest';
import type { AuthMethods, IdentityInfo } from '../../shared/accounts.ts';
import type { SessionUser } from '../../shared/protocol.ts';
import { CookieBrowser, startOidcProvider } from '../helpers/oidc-provider.ts';
import { api, startServer } from '../helpers/server.ts';

async function setup() {
  const provider = await startOidcProvider();
  const atelier = await startServer({
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_LABEL: 'Sign in with Example ID',
  });
  const origin = `http://localhost:${atelier.port}`;
  const callback = `${origin}/auth/oidc/callback`;
  provider.serve(callback);
  return { provider, atelier, origin, callback, http: api(origin) };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** A browser with a guest session, as the client makes one on first visit. */
async function guestBrowser(s: Setup, name = 'Guest') {
  const browser = new CookieBrowser();
  const guest = await s.http.session(name);
  browser.setCookie(s.origin, 'atelier_token', encodeURIComponent(guest.token));
  return { browser, guest };
}

/** The whole round trip: Atelier → provider (login, consent) → Atelier's callback. Returns the callback's answer. */
async function signIn(s: Setup, browser: CookieBrowser, login: string, start = '/auth/oidc/login') {
  const reached = await browser.signIn(s.origin + start, login, s.callback);
  if (!('stoppedAt' in reached)) throw new Error(`the provider did not redirect back: ${reached.response.status}`);
  return { callbackUrl: reached.stoppedAt, response: await browser.request(reached.stoppedAt) };
}

/** Who the browser's cookie signs in as (and the token it gets for it). */
async function whoAmI(s: Setup, browser: CookieBrowser): Promise<{ user: SessionUser; token: string } | null> {
  const res = await browser.request(`${s.origin}/api/session`, { accept: 'application/json' });
  return res.status === 200 ? ((await res.json()) as { user: SessionUser; token: string }) : null;
}

async function failure(res: Response): Promise<{ status: number; code: string | undefined }> {
  return { status: res.status, code: /data-error-code="([a-z_]+)"/.exec(await res.text())?.[1] };
}

describe('OpenID Connect', () => {
  it('is offered when configured, and absent otherwise', async () => {
    const s = await setup();
    expect(await s.http.json<AuthMethods>('GET', '/api/auth/methods')).toEqual({
      passkeys: true,
      oidc: { label: 'Sign in with Example ID' },
    });
    const plain = await startServer();
    expect(await api(plain.url).json<AuthMethods>('GET', '/api/auth/methods')).toEqual({ passkeys: true, oidc: null });
    expect((await fetch(`${plain.url}/auth/oidc/login`, { redirect: 'manual' })).status).toBe(404);
  });

  it('signs a new browser in (authorization code + PKCE), creating the account from the claims', async () => {
    const s = await setup();
    const browser = new CookieBrowser();
    const start = await browser.request(`${s.origin}/auth/oidc/login`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    expect(authorize.origin).toBe(s.provider.issuer);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: 'atelier',
      redirect_uri: s.callback,
      response_type: 'code',
      code_challenge_method: 'S256',
      state: expect.any(String),
      nonce: expect.any(String),
    });
    const { response } = await signIn(s, browser, 'alice');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    // The client is told its stored token (if any) is not this browser's session any more.
    expect(browser.cookie(s.origin, 'atelier_session_changed')).toBe('1');
    const me = await whoAmI(s, browser);
    expect(me?.user).toMatchObject({ name: 'Person alice', account: true });
    expect(me?.token).toMatch(/^v2\./);
    const identities = await s.http.json<{ items: IdentityInfo[] }>('GET', '/api/auth/identities', { token: me?.token });
    expect(identities.items).toEqual([
      expect.objectContaining({ issuer: s.provider.issuer, email: 'alice@example.test', name: 'Person alice' }),
    ]);
    // A provider's name with a control character in it is not shown: the account gets a name of ours.
    const odd = new CookieBrowser();
    await signIn(s, odd, 'eve\u0085');
    const eve = await whoAmI(s, odd);
    expect(eve?.user.name).toMatch(/^\w+ \w+$/);
    const eves = await s.http.json<{ items: IdentityInfo[] }>('GET', '/api/auth/identities', { token: eve?.token });
    expect(eves.items).toEqual([expect.objectContaining({ name: null, email: null })]);
    // Signing in again from another browser finds the same account.
    const again = new CookieBrowser();
    await signIn(s, again, 'alice');
    expect((await whoAmI(s, again))?.user.id).toBe(me?.user.id);
  });

  it('claims the current guest: same user id, so what they made stays theirs', async () => {
    const s = await setup();
    const { browser, guest } = await guestBrowser(s, 'Amber Fox');
    const { room } = await s.http.room(guest.token, { title: 'Made as a guest' });
    await signIn(s, browser, 'bob');
    expect(browser.cookie(s.origin, 'atelier_session_changed')).toBeUndefined();
    const me = await whoAmI(s, browser);
    expect(me?.user).toMatchObject({ id: guest.user.id, name: 'Amber Fox', account: true });
    // The guest's own token goes on working: it is the same session.
    const rooms = await s.http.json<{ items: Array<{ id: string }> }>('GET', '/api/rooms', { token: guest.token });
    expect(rooms.items.map((r) => r.id)).toEqual([room.id]);
  });

  it('links a second identity to an account; it then signs into that account; an identity of another account is a conflict', async () => {
    const s = await setup();
    const { browser, guest } = await guestBrowser(s, 'Cid');
    await signIn(s, browser, 'cid-personal');
    const linked = await signIn(s, browser, 'cid-work', '/auth/oidc/login?mode=link');
    expect(linked.response.status).toBe(303);
    expect(linked.response.headers.get('location')).toBe('/settings');
    const identities = await s.http.json<{ items: IdentityInfo[] }>('GET', '/api/auth/identities', { token: guest.token });
    expect(identities.items.map((i) => i.email)).toEqual(['cid-personal@example.test', 'cid-work@example.test']);
    const elsewhere = new CookieBrowser();
    await signIn(s, elsewhere, 'cid-work');
    expect((await whoAmI(s, elsewhere))?.user.id).toBe(guest.user.id);

    // Dan may not link Cid's identity to his account.
    const dan = await guestBrowser(s, 'Dan');
    await signIn(s, dan.browser, 'dan');
    const conflict = await signIn(s, dan.browser, 'cid-work', '/auth/oidc/login?mode=link');
    expect(await failure(conflict.response)).toEqual({ status: 409, code: 'conflict' });
    const dans = await s.http.json<{ items: IdentityInfo[] }>('GET', '/api/auth/identities', { token: dan.guest.token });
    expect(dans.items.map((i) => i.email)).toEqual(['dan@example.test']);
    // Removing identities: never the last way to sign in.
    const [personal, work] = identities.items;
    expect((await s.http.request('DELETE', `/api/auth/identities/${work?.id}`, { token: dan.guest.token })).status).toBe(404);
    expect((await s.http.request('DELETE', `/api/auth/identities/${work?.id}`, { token: guest.token })).status).toBe(204);
    expect((await s.http.request('DELETE', `/api/auth/identities/${personal?.id}`, { token: guest.token })).status).toBe(409);
  });

  it('refuses a callback with a wrong or replayed state, from another browser, or without the state cookie', async () => {
    const s = await setup();
    const { browser, guest } = await guestBrowser(s);
    const reached = await browser.signIn(`${s.origin}/auth/oidc/login`, 'eve', s.callback);
    if (!('stoppedAt' in reached)) throw new Error('no callback');
    const url = new URL(reached.stoppedAt);
    const tampered = new URL(url);
    tampered.searchParams.set('state', 'forged-state');
    expect(await failure(await browser.request(tampered.href))).toEqual({ status: 401, code: 'unauthorized' });
    // Another browser (no state cookie) cannot finish it.
    expect(await failure(await new CookieBrowser().request(url.href))).toEqual({ status: 401, code: 'unauthorized' });
    // The genuine callback still fails: its state was bound to this browser by a cookie the first refusal cleared.
    expect(await failure(await browser.request(url.href))).toEqual({ status: 401, code: 'unauthorized' });
    // Nothing changed: the guest is still a guest, signed in as before.
    expect((await whoAmI(s, browser))?.user).toMatchObject({ id: guest.user.id, account: false });

    // A finished sign-in cannot be replayed.
    const second = await guestBrowser(s);
    const done = await signIn(s, second.browser, 'frank');
    expect(done.response.status).toBe(303);
    second.browser.setCookie(s.origin, 'atelier_oidc', new URL(done.callbackUrl).searchParams.get('state') ?? '');
    expect(await failure(await second.browser.request(done.callbackUrl))).toEqual({ status: 401, code: 'unauthorized' });
  });

  it("shows a provider's error code only when it is one: any other text in the callback's error is not echoed", async () => {
    const s = await setup();
    const refusal = async (error: string) => {
      const { browser } = await guestBrowser(s);
      const start = await browser.request(`${s.origin}/auth/oidc/login`);
      const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
      const callback = new URL(s.callback);
      callback.searchParams.set('state', state);
      callback.searchParams.set('error', error);
      const res = await browser.request(callback.href, { accept: 'application/json' });
      expect(res.status).toBe(401);
      return ((await res.json()) as { error: { code: string; message: string } }).error;
    };
    expect(await refusal('temporarily_unavailable')).toEqual({
      code: 'unauthorized',
      message: 'the identity provider refused: temporarily_unavailable',
    });
    expect((await refusal('access_denied')).message).toBe('sign-in was cancelled');
    const forged = await refusal(`call +1 555 0100 to fix your account \u202e${'x'.repeat(4000)}`);
    expect(forged.code).toBe('unauthorized');
    expect(forged.message).not.toContain('555');
    expect(forged.message).not.toContain('\u202e');
  });

  it('refuses an ID token minted for another nonce, and an authorization response from another issuer', async () => {
    const s = await setup();
    const { browser, guest } = await guestBrowser(s);
    const start = await browser.request(`${s.origin}/auth/oidc/login`);
    const authorize = new URL(start.headers.get('location') ?? '');
    authorize.searchParams.set('nonce', 'a-nonce-the-attacker-chose');
    const reached = await browser.signIn(authorize.href, 'mallory', s.callback);
    if (!('stoppedAt' in reached)) throw new Error('no callback');
    const refused = await browser.request(reached.stoppedAt, { accept: 'application/json' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'unauthorized' });

    const other = await guestBrowser(s);
    const reached2 = await other.browser.signIn(`${s.origin}/auth/oidc/login`, 'mallory', s.callback);
    if (!('stoppedAt' in reached2)) throw new Error('no callback');
    const forgedIssuer = new URL(reached2.stoppedAt);
    expect(forgedIssuer.searchParams.get('iss')).toBe(s.provider.issuer);
    forgedIssuer.searchParams.set('iss', 'https://evil.example');
    expect(await failure(await other.browser.request(forgedIssuer.href))).toEqual({ status: 401, code: 'unauthorized' });
    for (const b of [browser, other.browser]) expect((await whoAmI(s, b))?.user.account).toBe(false);
    const ids = await s.http.json<{ items: IdentityInfo[] }>('GET', '/api/auth/identities', { token: guest.token });
    expect(ids.items).toEqual([]);
  });

  it('a sign-in cancelled at the provider changes nothing', async () => {
    const s = await setup();
    const { browser, guest } = await guestBrowser(s);
    const start = await browser.request(`${s.origin}/auth/oidc/login`);
    let next = start.headers.get('location') ?? '';
    for (let hop = 0; hop < 5 && !next.includes('/interaction/'); hop++) {
      next = new URL((await browser.request(next)).headers.get('location') ?? '', next).href;
    }
    let res = await browser.request(`${next}/abort`);
    while (res.headers.get('location') && !res.headers.get('location')?.startsWith(s.callback)) {
      res = await browser.request(new URL(res.headers.get('location') ?? '', next).href);
    }
    const cancelled = await browser.request(res.headers.get('location') ?? '');
    const text = await cancelled.text();
    expect(cancelled.status).toBe(401);
    expect(text).toContain('cancelled');
    expect((await whoAmI(s, browser))?.user).toMatchObject({ id: guest.user.id, account: false });
  });
});
