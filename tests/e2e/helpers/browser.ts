// Debian's Chromium driven by playwright-core (never a browser download), with
// per-test contexts and screenshots under test-results/e2e/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ensureClientBuilt } from './client-build.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SHOTS = path.resolve(import.meta.dirname, '../../../test-results/e2e');

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A suite that drives Chromium against the built client: builds it once,
 * launches the browser before the tests and closes it after. Without
 * /usr/bin/chromium the suite is skipped with a printed reason (a failure
 * under CI=true).
 */
export function describeInBrowser(name: string, body: (browser: () => Browser) => void): void {
  if (!chromiumAvailable() && process.env.CI === 'true') {
    // CI installs Chromium (.ci/run); a skip there would hide a broken setup.
    describe(name, () => {
      test('Chromium is installed', () => {
        throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      });
    });
    return;
  }
  if (!chromiumAvailable()) {
    process.stderr.write(`e2e "${name}" skipped: ${CHROMIUM} is missing (apt-get install chromium)\n`);
    describe.skip(name, () =>
      body(() => {
        throw new Error('no browser');
      }),
    );
    return;
  }
  describe(name, () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      await ensureClientBuilt();
      browser = await launchBrowser();
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
    });
    body(() => {
      if (!browser) throw new Error('the browser did not start');
      return browser;
    });
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Browser console errors and uncaught exceptions, for the test to assert on. */
  errors: string[];
}

export async function newPerson(browser: Browser, baseURL: string, viewport = { width: 1440, height: 900 }): Promise<Person> {
  const context = await browser.newContext({ baseURL, viewport, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Failed requests are recorded below, with their URL.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${new URL(res.url()).pathname}`);
  });
  return { context, page, errors };
}

export const PHONE = { width: 390, height: 844 };

/** A person on a phone: 390 × 844, touch, a mobile viewport. */
export async function phonePerson(browser: Browser, baseURL: string): Promise<Person> {
  const context = await browser.newContext({ baseURL, viewport: PHONE, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${new URL(res.url()).pathname}`);
  });
  return { context, page, errors };
}

/** The session the page's client made for itself: its user id, name and token. */
export async function whoAmI(person: Person): Promise<{ id: string; name: string; token: string }> {
  const token = await person.page.evaluate(() => localStorage.getItem('atelier.token'));
  if (!token) throw new Error('no session in the page');
  const res = await person.page.request.get('/api/session', { headers: { authorization: `Bearer ${token}` } });
  const { user } = (await res.json()) as { user: { id: string; name: string } };
  return { ...user, token };
}

/** Saves a screenshot as test-results/e2e/<name>.png and returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Reads one pixel of the room's canvas preview, in document coordinates. */
export async function canvasPixel(page: Page, x: number, y: number): Promise<[number, number, number, number]> {
  return page.locator('canvas-preview canvas').evaluate(
    (canvas: HTMLCanvasElement, [px, py]) => {
      const host = canvas.getRootNode() as ShadowRoot;
      const preview = host.host as HTMLElement & { meta: { width: number } };
      const zoom = canvas.width / preview.meta.width;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      const d = ctx.getImageData(Math.floor(px! * zoom), Math.floor(py! * zoom), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!, d[3]!] as [number, number, number, number];
    },
    [x, y],
  );
}

/**
 * Controls on the page that have no accessible name (from the accessibility
 * tree, through every shadow root): each line of the ARIA snapshot that names
 * a control role and nothing else.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return (
    snapshot
      .split('\n')
      .map((line) => line.trim())
      // `- button "Name"` is named; `- button`, `- button:` or `- slider: "50"` is not.
      .filter((line) => /^- (button|textbox|combobox|slider|checkbox|link|spinbutton|radio)(\s*$|:|\s+\[)/.test(line))
  );
}
