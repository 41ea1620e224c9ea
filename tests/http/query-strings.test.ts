// Query strings and path parameters of the read routes (feeds, search,
// cursors, profiles, live rooms, moderation, sign-in redirects, media), from a
// seeded generator: the fuzzer's HTTP attacker sends bodies, not these. Every
// answer must be typed: never a 5xx, and a 4xx of the JSON API carries
// `{error: {code}}`. Cursors are mutated from real ones (the JSON inside
// them, then the base64url around it), as well as made up.
import { expect, it } from 'vitest';
import { Random } from '../../scripts/fuzz/random.ts';
import type { Atelier } from '../../server/atelier.ts';
import type { WireError } from '../../shared/protocol.ts';
import { api, startServer, type TestEnv } from '../helpers/server.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import { person, seedWork } from '../social/helpers.ts';

const SEED = 20261207;
const REQUESTS = 400;
const UNLIMITED = { HTTP_REQUESTS_PER_MINUTE: '1000000', ROOMS_PER_MINUTE: '1000000', SESSIONS_PER_MINUTE: '1000000' };

/** A route and the query keys it reads (`$work`, `$user`, `$room` filled in). */
interface Route {
  path: string;
  keys: readonly string[];
  /** An HTML page or a file: its 4xx need not be JSON. */
  page?: boolean;
}

const ROUTES: readonly Route[] = [
  { path: '/api/gallery', keys: ['sort', 'limit', 'cursor', 'tag'] },
  { path: '/api/search', keys: ['q', 'type', 'limit', 'cursor'] },
  { path: '/api/tags', keys: ['limit'] },
  { path: '/api/works/$work', keys: [] },
  { path: '/api/works/$work/remixes', keys: ['limit', 'cursor'] },
  { path: '/api/works/$work/comments', keys: ['limit', 'cursor'] },
  { path: '/api/works/$work/timeline', keys: [] },
  { path: '/api/notifications', keys: ['limit', 'cursor'] },
  { path: '/api/users/$user', keys: [] },
  { path: '/api/users/$user/works', keys: ['limit', 'cursor'] },
  { path: '/api/users/$user/followers', keys: ['limit', 'cursor'] },
  { path: '/api/users/$user/following', keys: ['limit', 'cursor'] },
  { path: '/api/users/$user/social', keys: [] },
  { path: '/api/live', keys: ['limit', 'cursor'] },
  { path: '/api/rooms', keys: ['limit'] },
  { path: '/api/rooms/$room', keys: ['invite'] },
  { path: '/api/moderation/reports', keys: ['status', 'limit', 'cursor'] },
  { path: '/api/moderation/audit', keys: ['limit', 'cursor'] },
  { path: '/api/admin/signals.jsonl', keys: ['since'] },
  { path: '/auth/oidc/login', keys: ['mode', 'returnTo'], page: true },
  { path: '/media/$file', keys: [], page: true },
  { path: '/g/$work', keys: [], page: true },
  { path: '/u/$user', keys: [], page: true },
  { path: '/gallery.atom', keys: ['tag'], page: true },
];

const CURSOR_TAGS = ['n', 't', 'f', 's', 'su', 'nt', 'cm', 'fr', 'fg', 'au', 'rpopen', 'x', '', '__proto__'];
const NUMBERS = [0, -1, 1, 1.5, 2 ** 53, 2 ** 64, 1e308, -0, Number.MAX_SAFE_INTEGER, 1001];
const TEXT = [
  '',
  ' ',
  'lighthouse',
  '#harbour',
  'Zoë 東京',
  '"quoted" AND NOT x*',
  'NEAR(a b) OR c:*',
  "a' & !b | (c <-> d)",
  'the',
  '\u0000nul',
  'bell\u0007',
  'photo\u202egnp.exe',
  '😀'.repeat(40),
  'x'.repeat(300),
  '../../etc/passwd',
  '%00',
  'a'.repeat(65),
  'ǅ̈ĳ 𝔘 ⅷ ٣',
];
/** Raw (already encoded) values: what URLSearchParams would never produce. */
const RAW = ['%ED%A0%80', '%FF%FE', '%', '%zz', '%C0%AF', '%E2%80%AE', '+', '%2B', '%26', '%5B%5D'];
const LIMITS = ['0', '-1', '1', '100', '101', '1e3', '1e400', 'NaN', 'Infinity', '0x10', ' 5', '5.5', '', 'null', '9007199254740993'];

function jsonCursor(random: Random): string {
  const value = random.pick([
    () => [random.pick(CURSOR_TAGS), ...Array.from({ length: random.int(0, 3) }, () => random.pick(NUMBERS))],
    () => [random.pick(CURSOR_TAGS), random.pick(TEXT), random.pick(TEXT)],
    () => random.pick([[], {}, null, 1, 'n', [['n', 1]], { 0: 'n', 1: 1, length: 2 }, ['t', '1', '2']]),
    () => JSON.parse('{"__proto__":{"x":1},"0":"n"}') as unknown,
    () => nested(random.int(2, 2000)),
    () => [new Date(random.int(0, 2 ** 42)).toISOString(), random.pick(TEXT)],
  ])();
  return Buffer.from(typeof value === 'function' ? '' : JSON.stringify(value)).toString('base64url');
}

function nested(depth: number): unknown {
  let value: unknown = ['n', 1];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** A cursor the server gave out, changed: a byte of its JSON, or of its base64url. */
function mutatedCursor(random: Random, real: string): string {
  if (random.chance(0.5)) {
    const json = Buffer.from(real, 'base64url');
    const at = random.int(0, Math.max(0, json.length - 1));
    json[at] = random.pick([0x22, 0x2c, 0x2d, 0x30, 0x39, 0x5b, 0x5d, 0x65, 0x7b, 0x00, 0xff, random.int(0, 255)]);
    return json.toString('base64url');
  }
  const chars = [...real];
  chars[random.int(0, Math.max(0, chars.length - 1))] = random.pick(['A', '_', '-', '=', '+', '/', '.', '~']);
  return random.chance(0.2) ? chars.join('').repeat(random.int(2, 8)) : chars.join('');
}

function value(random: Random, key: string, cursors: readonly string[]): string {
  if (random.chance(0.15)) return random.pick(RAW);
  const encode = encodeURIComponent;
  if (key === 'limit') return encode(random.pick(LIMITS));
  if (key === 'cursor' || key === 'since') {
    if (cursors.length > 0 && random.chance(0.4)) return encode(mutatedCursor(random, random.pick(cursors)));
    return encode(random.chance(0.7) ? jsonCursor(random) : random.pick(TEXT));
  }
  return encode(random.chance(0.8) ? random.pick(TEXT) : jsonCursor(random));
}

/** `key=value` pairs, with the shapes a query parser may turn into arrays or objects. */
function query(random: Random, route: Route, cursors: readonly string[]): string {
  const keys = [...route.keys, ...(random.chance(0.1) ? ['__proto__', 'constructor', 'toString'] : [])];
  const pairs: string[] = [];
  for (const key of keys) {
    if (random.chance(0.3)) continue;
    const shape = random.int(0, 9);
    if (shape === 0) pairs.push(`${key}=${value(random, key, cursors)}`, `${key}=${value(random, key, cursors)}`);
    else if (shape === 1) pairs.push(`${key}[]=${value(random, key, cursors)}`);
    else if (shape === 2) pairs.push(`${key}[a]=${value(random, key, cursors)}`);
    else if (shape === 3) pairs.push(key);
    else pairs.push(`${key}=${value(random, key, cursors)}`);
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function pathOf(random: Random, route: Route, ids: Record<string, string>): string {
  return route.path.replace(/\$(\w+)/g, (_m, name: string) => {
    const real = ids[name] ?? 'x';
    return random.chance(0.6)
      ? real
      : random.pick([encodeURIComponent(random.pick(TEXT)) || '%20', real.slice(1), `${real}x`, real.toUpperCase(), ...RAW]);
  });
}

async function fuzzQueries(env: TestEnv): Promise<void> {
  const server: Atelier = await startServer({ ...UNLIMITED, ...env });
  const http = api(server.url);
  const ann = await person(server, 'Ann');
  const bob = await person(server, 'Bob');
  const { room } = await http.room(ann.token, { title: 'Harbour lighthouse' });
  const works = [await seedWork(server, [ann]), await seedWork(server, [ann, bob]), await seedWork(server, [bob])];
  const work = works[0]!;
  for (const body of ['first', 'second', 'third'])
    await http.json('POST', `/api/works/${work.id}/comments`, { token: bob.token, body: { body } });
  // Real cursors to mutate: each list's, a page of one.
  const cursors: string[] = [];
  for (const route of [
    '/api/gallery?limit=1',
    '/api/gallery?sort=top&limit=1',
    `/api/works/${work.id}/comments?limit=1`,
    '/api/search?q=seed&limit=1',
  ]) {
    const page = (await (await http.request('GET', route, { token: ann.token })).json()) as { nextCursor?: string | null };
    if (typeof page.nextCursor === 'string') cursors.push(page.nextCursor);
  }
  const ids = { work: work.id, user: ann.id, room: room.id, file: 'x.png' };
  const random = new Random(SEED);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const route = random.pick(ROUTES);
    const target = `${pathOf(random, route, ids)}${query(random, route, cursors)}`;
    const token = random.pick([ann.token, bob.token, '']);
    const res = await fetch(server.url + target, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) failures.push(`${res.status} GET ${target}: ${text.slice(0, 200)}`);
    else if (res.status >= 400 && !route.page) {
      const code = (JSON.parse(text || 'null') as { error?: WireError } | null)?.error?.code;
      if (typeof code !== 'string') failures.push(`${res.status} GET ${target} untyped: ${text.slice(0, 200)}`);
    }
  }
  expect(failures).toEqual([]);
  // It reached past the parsers too: pages were served, and refusals were made.
  expect(statuses.get(200) ?? 0).toBeGreaterThan(20);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(20);
  // Nothing a read sent changed what is there.
  const after = (await (await http.request('GET', '/api/gallery?limit=10')).json()) as { items: unknown[] };
  expect(after.items).toHaveLength(works.length);
}

it('query strings and path parameters of the read routes get typed answers, never a 5xx (SQLite)', async () => {
  await fuzzQueries({});
}, 120_000);

const postgres = await postgresService();
describeWith([postgres], 'on PostgreSQL', () => {
  it('query strings and path parameters of the read routes get typed answers, never a 5xx (PostgreSQL)', async () => {
    await fuzzQueries({ DATABASE_URL: await createTestDatabase(postgres) });
  }, 120_000);
});
