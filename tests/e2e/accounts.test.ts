// Accounts in Chromium on http://localhost:PORT with CDP virtual
// authenticators: a guest makes a room, creates a passkey, and a second
// browser context holding a copy of that credential signs in and finds the
// room and its works; settings, profile pages, and the errors people see.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import { insertWork } from '../accounts/helpers.ts';
import { startOidcProvider } from '../helpers/oidc-provider.ts';
import { startServer } from '../helpers/server.ts';
import { describeInBrowser, newPerson, type Person, shot, unnamedControls } from './helpers/browser.ts';

const PHONE = { width: 390, height: 844 };

interface Authenticator {
  cdp: CDPSession;
  id: string;
}

/** A platform authenticator with user verification, answering prompts by itself. */
async function virtualAuthenticator(page: Page, presence = true): Promise<Authenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: presence,
    },
  });
  return { cdp, id: authenticatorId };
}

/** Someone on http://localhost:PORT (WebAuthn refuses IP addresses), on a desktop or a phone. */
async function person(browser: Parameters<typeof newPerson>[0], atelier: Atelier, viewport?: { width: number; height: number }) {
  const p = await newPerson(browser, `http://localhost:${atelier.port}`, viewport);
  return p;
}

async function token(page: Page): Promise<string> {
  return page.evaluate(() => localStorage.getItem('atelier.token') ?? '');
}

/** A published work credited to `userId`, made in `roomId` (publishing itself has its own e2e suite). */
async function workOf(atelier: Atelier, userId: string, roomId: string, title: string): Promise<string> {
  const png = await (await import('sharp'))
    .default({ create: { width: 96, height: 96, channels: 3, background: '#0d9488' } })
    .png()
    .toBuffer();
  const image = await atelier.media.put(png, 'png');
  const work = await insertWork(atelier, roomId, [userId], title, {
    prompt: 'teal tide pools at noon',
    width: 96,
    height: 96,
    imageUrl: image.url,
    thumbUrl: image.url,
    placeholder: '#0d9488',
  });
  return work.id;
}

async function openMenu(page: Page): Promise<void> {
  await page.locator('user-menu button.me').click();
  await page.locator('user-menu .menu').waitFor();
}

async function close(...people: Person[]): Promise<void> {
  for (const p of people) await (p.context as BrowserContext).close();
}

describeInBrowser('accounts', (browser) => {
  test('a guest makes a room, creates a passkey; another browser signs in with it and finds the room and its works', async () => {
    const atelier = await startServer({ GALLERY_CACHE_MS: '0' });
    const a = await person(browser(), atelier);
    const passkeys = await virtualAuthenticator(a.page);

    // A guest starts a room.
    await a.page.goto('/');
    await a.page.getByRole('button', { name: 'Start a room' }).first().click();
    await a.page.waitForURL(/\/r\//);
    const roomId = new URL(a.page.url()).pathname.split('/')[2] ?? '';
    const guest = await a.page.evaluate(
      async (t) => (await (await fetch('/api/session', { headers: { authorization: `Bearer ${t}` } })).json()).user,
      await token(a.page),
    );
    await workOf(atelier, guest.id, roomId, 'Tide pools');

    // The menu offers an account; a passkey makes one.
    await a.page.goto('/');
    await openMenu(a.page);
    await shot(a.page, 'accounts-01-guest-menu');
    await a.page.getByRole('menuitem', { name: 'Create an account' }).click();
    await a.page.locator('sign-in-dialog dialog[open]').waitFor();
    await shot(a.page, 'accounts-02-create-dialog');
    await a.page.getByRole('button', { name: 'Create a passkey' }).click();
    await a.page.getByText('Your account is ready').waitFor();
    await shot(a.page, 'accounts-03-account-ready');
    const { credentials } = await passkeys.cdp.send('WebAuthn.getCredentials', { authenticatorId: passkeys.id });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);

    // Settings: a handle and a bio; the profile shows them with the work.
    await a.page.getByRole('link', { name: 'Open settings' }).click();
    await a.page.waitForURL('**/settings');
    await a.page.locator('profile-settings input[name="handle"]').fill('tidepool');
    await a.page.locator('profile-settings textarea[name="bio"]').fill('Rock pools, mostly at low tide.');
    await a.page.getByRole('button', { name: 'Save profile' }).click();
    await a.page.locator('profile-settings .status', { hasText: 'Saved.' }).waitFor();
    await a.page.locator('sign-in-settings li', { hasText: 'added' }).first().waitFor();
    await a.page.locator('session-settings li', { hasText: 'this device' }).waitFor();
    await shot(a.page, 'accounts-04-settings');
    expect(await unnamedControls(a.page)).toEqual([]);

    // A second browser: a copy of the credential, as a synced passkey would be.
    const b = await person(browser(), atelier);
    const other = await virtualAuthenticator(b.page);
    for (const credential of credentials) await other.cdp.send('WebAuthn.addCredential', { authenticatorId: other.id, credential });
    await b.page.goto('/');
    await openMenu(b.page);
    await b.page.getByRole('menuitem', { name: 'Sign in' }).click();
    await shot(b.page, 'accounts-05-sign-in-dialog');
    await b.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await b.page.waitForLoadState('load');
    await b.page.locator('user-menu .name', { hasText: guest.name }).waitFor();
    expect(await b.page.evaluate(async () => (await (await fetch('/api/session')).json()).user.id)).toBe(guest.id);

    // B finds the room and opens it as its owner; the work is on the profile, linked from the gallery.
    const rooms = await b.page.evaluate(
      async (t) => (await (await fetch('/api/rooms', { headers: { authorization: `Bearer ${t}` } })).json()).items,
      await token(b.page),
    );
    expect(rooms.map((r: { id: string }) => r.id)).toEqual([roomId]);
    await b.page.locator('work-card', { hasText: 'Tide pools' }).getByRole('link', { name: guest.name }).click();
    await b.page.waitForURL('**/u/tidepool');
    await b.page.locator('profile-page h1', { hasText: guest.name }).waitFor();
    await b.page.locator('profile-page work-card', { hasText: 'Tide pools' }).waitFor();
    await b.page.locator('profile-page .bio', { hasText: 'Rock pools' }).waitFor();
    await shot(b.page, 'accounts-06-profile');
    expect(await unnamedControls(b.page)).toEqual([]);
    await b.page.goto(`/r/${roomId}`);
    await b.page.locator('prompt-editor .cm-content').waitFor();
    // The people panel links each name to its profile.
    await b.page.locator('participant-list button.people').click();
    expect(await b.page.locator('participant-list a.name').first().getAttribute('href')).toBe('/u/tidepool');
    await close(a, b);
  });

  test('phone: profile and settings fit 390 × 844; a taken handle and a cancelled prompt say so', async () => {
    const atelier = await startServer({ AUTH_CHALLENGE_TTL_SECONDS: '10' });
    // Someone already has the handle.
    const taken = await person(browser(), atelier);
    await virtualAuthenticator(taken.page);
    await taken.page.goto('/settings');
    await taken.page.getByRole('button', { name: 'Create an account with a passkey' }).click();
    await taken.page.locator('profile-settings input[name="handle"]:not([disabled])').fill('marina');
    await taken.page.getByRole('button', { name: 'Save profile' }).click();
    await taken.page.locator('profile-settings .status').waitFor();

    const phone = await person(browser(), atelier, PHONE);
    await virtualAuthenticator(phone.page);
    await phone.page.goto('/settings');
    await phone.page.getByRole('heading', { name: 'Settings' }).waitFor();
    await shot(phone.page, 'accounts-07-phone-settings-guest');
    await phone.page.getByRole('button', { name: 'Create an account with a passkey' }).click();
    await phone.page.locator('profile-settings input[name="handle"]:not([disabled])').fill('Marina');
    await phone.page.getByRole('button', { name: 'Save profile' }).click();
    await phone.page.locator('profile-settings #handle-hint', { hasText: 'taken' }).waitFor();
    await phone.page.locator('profile-settings input[name="handle"]').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(phone.page, 'accounts-08-phone-handle-taken');
    await phone.page.locator('profile-settings input[name="handle"]').fill('admin');
    await phone.page.locator('profile-settings #handle-hint', { hasText: 'reserved' }).waitFor();
    await phone.page.locator('profile-settings input[name="handle"]').fill('marina_sea');
    await phone.page.getByRole('button', { name: 'Save profile' }).click();
    await phone.page.locator('profile-settings .status', { hasText: 'Saved.' }).waitFor();
    // The passkey that made the account counts as used, and on a phone its buttons sit under its text.
    const row = phone.page.locator('sign-in-settings ul.rows li').first();
    await row.locator('.row-main span', { hasText: 'last used' }).waitFor();
    expect(await row.locator('.row-main span').innerText()).not.toContain('never');
    await row.scrollIntoViewIfNeeded();
    await shot(phone.page, 'accounts-08b-phone-passkey-row');
    const text = await row.locator('.row-main').boundingBox();
    const remove = await row.getByRole('button', { name: /^Remove / }).boundingBox();
    expect(text && remove && remove.y >= text.y + text.height).toBe(true);
    expect(text && text.width > 300).toBe(true);
    await phone.page.goto('/u/marina_sea');
    await phone.page.locator('profile-page h1').waitFor();
    await phone.page.getByText('No published works yet.').waitFor();
    await shot(phone.page, 'accounts-09-phone-profile');
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // A prompt nobody answers: the authenticator never sees a touch, the ceremony times out.
    const idle = await person(browser(), atelier);
    await virtualAuthenticator(idle.page, false);
    await idle.page.goto('/');
    await openMenu(idle.page);
    await idle.page.getByRole('menuitem', { name: 'Sign in' }).click();
    await idle.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await idle.page.locator('sign-in-dialog .error-text', { hasText: 'cancelled or timed out' }).waitFor({ timeout: 30_000 });
    await shot(idle.page, 'accounts-10-prompt-cancelled');
    await close(taken, phone, idle);
  }, 90_000);

  test('a browser without WebAuthn is told so and offered nothing it cannot do', async () => {
    const atelier = await startServer();
    const old = await person(browser(), atelier);
    await old.context.addInitScript(() => {
      // As in a browser from before passkeys.
      Reflect.deleteProperty(window, 'PublicKeyCredential');
    });
    await old.page.goto('/');
    await openMenu(old.page);
    await old.page.getByRole('menuitem', { name: 'Create an account' }).click();
    await old.page.locator('sign-in-dialog .notice', { hasText: 'does not support passkeys' }).waitFor();
    expect(await old.page.getByRole('button', { name: 'Create a passkey' }).isDisabled()).toBe(true);
    await shot(old.page, 'accounts-11-unsupported-browser');
    await close(old);
  });

  test('single sign-on: the button claims this guest; another browser signs into the same account with it', async () => {
    const provider = await startOidcProvider();
    const atelier = await startServer({
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_LABEL: 'Continue with Example ID',
    });
    provider.serve(`http://localhost:${atelier.port}/auth/oidc/callback`);
    const signInAtProvider = async (page: Page, login: string) => {
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('anything');
      await page.locator('button[type="submit"]').click();
      await page.locator('button[type="submit"]', { hasText: /continue/i }).click();
    };

    const a = await person(browser(), atelier);
    await a.page.goto('/');
    const guestName = await a.page.locator('user-menu .name').innerText();
    await openMenu(a.page);
    await a.page.getByRole('menuitem', { name: 'Create an account' }).click();
    await shot(a.page, 'accounts-12-create-dialog-with-sso');
    await a.page.getByRole('button', { name: 'Continue with Example ID' }).click();
    await a.page.waitForURL(`${provider.issuer}/**`);
    await signInAtProvider(a.page, 'sam');
    await a.page.waitForURL(`http://localhost:${atelier.port}/`);
    await openMenu(a.page);
    await a.page.getByRole('menuitem', { name: 'Settings' }).waitFor();
    expect(await a.page.locator('user-menu .name').innerText()).toBe(guestName);

    // Another browser, a guest of its own with a token in storage, signs in with the same identity.
    const b = await person(browser(), atelier);
    await b.page.goto('/');
    await b.page.locator('user-menu .name').waitFor();
    await openMenu(b.page);
    await b.page.getByRole('menuitem', { name: 'Sign in' }).click();
    await b.page.getByRole('button', { name: 'Continue with Example ID' }).click();
    await b.page.waitForURL(`${provider.issuer}/**`);
    await signInAtProvider(b.page, 'sam');
    await b.page.waitForURL(`http://localhost:${atelier.port}/`);
    await b.page.locator('user-menu .name', { hasText: guestName }).waitFor();
    await b.page.goto('/settings');
    await b.page.locator('sign-in-settings li', { hasText: 'sam@example.test' }).waitFor();
    await b.page.locator('sign-in-settings').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(b.page, 'accounts-13-settings-linked-account');
    // Nothing failed on the way (the provider's own pages may lack a favicon).
    expect(b.errors.filter((e) => !e.endsWith('/favicon.ico'))).toEqual([]);
    await close(a, b);
  });
});
