// The HTTP attacker: a signed-in user calling the JSON routes with bodies of
// the wrong type, empty bodies that name a type other than JSON (and none),
// JSON that is not an object, free text holding control characters,
// bidirectional controls or unpaired surrogates, decomposed letters, and the
// argument mutations the realtime attackers use. Every answer must be typed: a
// 4xx with `{error: {code}}`, never a 5xx; a request that should have been
// refused must not be taken (2xx), and no 2xx answer may carry text the
// free-text rule refuses or text not in the composed form (NFC) free text is
// kept in.
import { setTimeout as delay } from 'node:timers/promises';
import { jsonOrUndefined } from '../../shared/json-text.ts';
import { textProblem } from '../../shared/text.ts';
import { hostileValue } from './mutate-args.ts';
import type { Random } from './random.ts';
import type { FuzzStats } from './stats.ts';

export const HTTP_MUTATIONS = ['fine', 'hostile-text', 'wrong-type', 'empty', 'empty-wrong-type', 'not-object', 'wrong-value'] as const;
export type HttpMutation = (typeof HTTP_MUTATIONS)[number];

export interface HttpAttack {
  url: string;
  token: string;
  roomId: string;
  random: Random;
  stats: FuzzStats;
  /** Requests per second. */
  rate: number;
  stopped: () => boolean;
  /** What must not happen: a 5xx, an untyped error, hostile input taken. */
  failures: string[];
}

interface Route {
  method: string;
  path: (roomId: string) => string;
  /** A body the route takes, with free text in `text` fields (filled per request). */
  body: (text: () => string) => Record<string, unknown>;
}

const ROUTES: readonly Route[] = [
  { method: 'POST', path: () => '/api/session', body: (t) => ({ name: t() }) },
  { method: 'PATCH', path: () => '/api/session', body: (t) => ({ name: t(), bio: `${t()}\n${t()}` }) },
  { method: 'POST', path: () => '/api/rooms', body: (t) => ({ title: t(), linkAccess: 'none' }) },
  // The attacker does not own the room: a body that passes is `forbidden`, one that does not `bad_request`.
  { method: 'PATCH', path: (room) => `/api/rooms/${room}`, body: (t) => ({ title: t() }) },
  { method: 'POST', path: () => '/api/reports', body: (t) => ({ target: { type: 'room', id: 'x' }, reason: 'other', note: t() }) },
  { method: 'POST', path: () => '/api/notifications/read', body: () => ({}) },
  { method: 'PUT', path: () => '/api/notifications/settings', body: () => ({ muted: ['comment'] }) },
  { method: 'POST', path: () => '/api/auth/passkeys/options', body: () => ({ purpose: 'register' }) },
  // Never `confirm: true`: the attacker would delete itself.
  { method: 'DELETE', path: () => '/api/account', body: () => ({ confirm: false }) },
];

// Decomposed letters (e + U+0301, Hangul as jamo) are fine too: they are kept composed.
const FINE_TEXT = ['Harbour', 'Zoë 東京 🎨', '  padded  ', 'a'.repeat(40), 'émoji 👩‍🎨 sequence', 'Cafe\u0301', '\u1112\u1161\u11ab'];
const HOSTILE_TEXT = [
  'bell\u0007',
  'nul\u0000',
  'next\u0085line',
  'del\u007f',
  'half \ud83c',
  '\udfa8 half',
  'swap \udfa8\ud83c',
  'photo\u202egnp.exe',
  'a\u2067b\u2069',
];
const NOT_JSON_TYPES = [
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'text/json',
  'application/jsonx',
  '',
];
const NOT_OBJECTS = ['[]', '[{"name":"x"}]', '"text"', '1', 'null', 'true'];

interface HttpRequest {
  method: string;
  path: string;
  contentType: string;
  body: string;
  /** Whether the server must refuse it, whatever the caller may do. */
  mustRefuse: boolean;
}

function craftRequest(random: Random, roomId: string, kind: HttpMutation): HttpRequest {
  const route = random.pick(ROUTES);
  const path = route.path(roomId);
  const json = 'application/json';
  switch (kind) {
    case 'fine':
      return {
        method: route.method,
        path,
        contentType: json,
        body: JSON.stringify(route.body(() => random.pick(FINE_TEXT))),
        mustRefuse: false,
      };
    case 'hostile-text': {
      const body = route.body(() => random.pick(HOSTILE_TEXT));
      // A route without free text gets a hostile value in a field it does take.
      const hasText = JSON.stringify(body) !== JSON.stringify(route.body(() => ''));
      return { method: route.method, path, contentType: json, body: JSON.stringify(body), mustRefuse: hasText };
    }
    case 'wrong-type': {
      const body = JSON.stringify(route.body(() => random.pick(FINE_TEXT)));
      return { method: route.method, path, contentType: random.pick(NOT_JSON_TYPES), body, mustRefuse: true };
    }
    case 'empty':
      // No bytes, and no type or JSON's: a request with no fields (taken or refused by the route, never a 5xx).
      return { method: route.method, path, contentType: random.pick(['', json]), body: '', mustRefuse: false };
    case 'empty-wrong-type':
      // No bytes but another type named, as an empty HTML form sends: refused before the route.
      return { method: route.method, path, contentType: random.pick(NOT_JSON_TYPES.filter(Boolean)), body: '', mustRefuse: true };
    case 'not-object':
      return { method: route.method, path, contentType: json, body: random.pick(NOT_OBJECTS), mustRefuse: true };
    case 'wrong-value': {
      const body = route.body(() => random.pick(FINE_TEXT));
      const keys = Object.keys(body);
      const key = keys.length > 0 ? random.pick(keys) : 'extra';
      return {
        method: route.method,
        path,
        contentType: json,
        body: safeStringify({ ...body, [key]: hostileValue(random) }),
        mustRefuse: false,
      };
    }
  }
}

/** JSON of a hostile value, which may nest deeper than JSON.stringify goes or hold bytes. */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? [...v] : v)) ?? '{}';
  } catch {
    return '{"deep":[[[[[[[[[[]]]]]]]]]]}';
  }
}

/** Every string in a parsed JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) strings(v, out);
  return out;
}

async function send(a: HttpAttack, kind: HttpMutation): Promise<void> {
  const request = craftRequest(a.random, a.roomId, kind);
  const headers: Record<string, string> = { Authorization: `Bearer ${a.token}` };
  if (request.contentType) headers['Content-Type'] = request.contentType;
  a.stats.sent.add(`http ${kind}`);
  const where = `${request.method} ${request.path} (${kind}, ${request.contentType || 'no type'})`;
  let res: Response;
  try {
    // A body with no type at all: a Blob without one, so fetch names none.
    const body = request.contentType ? request.body : new Blob([request.body]);
    res = await fetch(a.url + request.path, { method: request.method, headers, body });
  } catch (err) {
    a.failures.push(`${where}: no answer (${String(err)})`);
    return;
  }
  const text = await res.text();
  const parsed = jsonOrUndefined(text);
  const code = (parsed as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (res.status >= 500) a.failures.push(`${where}: ${res.status} ${text.slice(0, 200)}`);
  else if (res.status >= 400) {
    if (typeof code !== 'string') a.failures.push(`${where}: ${res.status} without a typed error: ${text.slice(0, 200)}`);
    a.stats.refused.add(`http ${res.status} ${String(code)}`);
  } else {
    if (request.mustRefuse) a.failures.push(`${where}: taken (${res.status}) though it must be refused: ${request.body.slice(0, 120)}`);
    const shown = strings(parsed).find((s) => textProblem(s, 'lines') !== null);
    if (shown !== undefined) a.failures.push(`${where}: the answer carries refused text ${JSON.stringify(shown)}`);
    const decomposed = strings(parsed).find((s) => s !== s.normalize('NFC'));
    if (decomposed !== undefined) a.failures.push(`${where}: the answer carries text not composed (NFC) ${JSON.stringify(decomposed)}`);
  }
}

export async function httpAttacker(a: HttpAttack): Promise<void> {
  while (!a.stopped()) {
    await send(a, a.random.pick(HTTP_MUTATIONS));
    await delay(1000 / a.rate);
  }
}
