// Free text (names, room titles, work titles and descriptions, bios, comments,
// report notes) refuses control characters and unpaired surrogates the same
// way wherever it enters: a typed bad_request over HTTP and over both realtime
// transports, and nothing changes.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkLayer, ROOTS, readMeta } from '../../shared/doc-schema.ts';
import type { GalleryPage, GetRoomResponse, SessionUserResponse, WireError } from '../../shared/protocol.ts';
import type { CommentPage } from '../../shared/social.ts';
import { clipText, textProblem } from '../../shared/text.ts';
import { readCandidates, readLayers } from '../../client/doc/layers.ts';
import { publish, studio } from '../gallery/helpers.ts';
import { pushLayer, testLayer } from '../helpers/layers.ts';
import { api, startServer } from '../helpers/server.ts';
import { eventWs } from '../helpers/ws-events.ts';
import { person, seedWork } from '../social/helpers.ts';

/** What no free text may hold, each in a string that is otherwise fine. */
const HOSTILE = {
  'a C0 control': 'bell\u0007',
  'a C1 control': 'next\u0085line',
  'a lone high surrogate': 'half \ud83c',
  'a lone low surrogate': '\udfa8 half',
  'a reversed pair': 'swap \udfa8\ud83c',
  DEL: 'del\u007f',
  'a bidi override': 'photo\u202egnp.exe',
  'a bidi isolate': 'a\u2067b\u2069',
} as const;

describe('the shared free-text rule', () => {
  it('refuses controls and unpaired surrogates, keeps pairs, and lets text boxes keep tab and line breaks', () => {
    for (const [what, text] of Object.entries(HOSTILE)) {
      expect(textProblem(text, 'line'), what).not.toBeNull();
      expect(textProblem(text, 'lines'), what).not.toBeNull();
    }
    expect(textProblem('half \ud83c', 'line')).toBe('unpaired surrogates are not allowed');
    expect(textProblem('🎨 Zoë 東京', 'line')).toBeNull();
    expect(textProblem('photo\u202egnp.exe', 'lines')).toBe('bidirectional controls are not allowed');
    // Right-to-left text, and the marks that only hint a direction, are fine.
    expect(textProblem('שלום עולם \u200fمرحبا\u200e', 'line')).toBeNull();
    expect(textProblem('one\ttwo', 'line')).toBe('control characters are not allowed');
    expect(textProblem('one\ttwo\r\nthree\n', 'lines')).toBeNull();
    // Cutting to a length never leaves half a pair behind.
    expect(clipText('ab🎨', 3)).toBe('ab');
    expect(clipText('ab🎨', 4)).toBe('ab🎨');
  });

  it("a document title written with what a room title refuses reads as none (the room's own title shows)", () => {
    const doc = new Y.Doc();
    for (const text of Object.values(HOSTILE)) {
      doc.getMap(ROOTS.meta).set('title', text);
      expect(readMeta(doc).title).toBe('');
    }
    doc.getMap(ROOTS.meta).set('title', ' Harbour 🎨 ');
    expect(readMeta(doc).title).toBe('Harbour 🎨');
  });
  it('a layer name written with what free text refuses reads as none; the layer itself stays valid', () => {
    const doc = new Y.Doc();
    for (const text of Object.values(HOSTILE)) {
      pushLayer(doc, { ...testLayer({ id: 'l1' }), name: text });
      const check = checkLayer(doc.getArray(ROOTS.layers).get(0));
      expect(check).toMatchObject({ ok: true, layer: { id: 'l1', name: '' } });
      expect(readLayers(doc)[0]).toMatchObject({ valid: true, layer: { name: '' } });
      doc.getArray(ROOTS.layers).delete(0);
    }
    pushLayer(doc, { ...testLayer({ id: 'l2' }), name: 'Harbour 🎨', opacity: 2 });
    expect(readLayers(doc)[0]).toMatchObject({ valid: false, name: 'Harbour 🎨' });
    pushLayer(doc, { ...testLayer({ id: 'l3' }), name: 'half \ud83c', opacity: 2 });
    expect(readLayers(doc)[1]).toMatchObject({ valid: false, name: '' });
  });
  it("a candidate's prompt written with what free text refuses reads as none; the candidate stays", () => {
    const doc = new Y.Doc();
    const candidate = {
      id: 'c1',
      src: `/media/${'a'.repeat(64)}.png`,
      width: 8,
      height: 8,
      jobId: 'j1',
      seed: 1,
      provider: 'p',
      model: 'm',
      createdBy: 'u',
    };
    for (const prompt of [...Object.values(HOSTILE), 'two\nlines']) {
      const map = new Y.Map<unknown>();
      for (const [key, value] of Object.entries({ ...candidate, prompt })) map.set(key, value);
      doc.getArray(ROOTS.candidates).push([map]);
    }
    expect(readCandidates(doc).map((c) => c.prompt)).toEqual([...Object.values(HOSTILE).map(() => ''), 'two\nlines']);
  });
});

describe('free text over HTTP', () => {
  it('names, room titles, bios, comments and report notes: bad_request, and nothing changes', async () => {
    const server = await startServer({
      HTTP_REQUESTS_PER_MINUTE: '1000000',
      ROOMS_PER_MINUTE: '1000000',
      SESSIONS_PER_MINUTE: '1000000',
      COMMENTS_PER_MINUTE: '1000',
      REPORTS_PER_MINUTE: '1000',
    });
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const { room } = await http.room(ann.token, { title: 'Harbour' });
    const work = await seedWork(server, [ann]);
    const refusals: Array<{ what: string; status: number; error?: WireError }> = [];
    const send = async (what: string, method: string, route: string, body: unknown) => {
      const res = await http.request(method, route, { token: ann.token, body });
      refusals.push({ what, status: res.status, error: ((await res.json()) as { error?: WireError }).error });
    };
    for (const [what, text] of Object.entries(HOSTILE)) {
      await send(`session name (new), ${what}`, 'POST', '/api/session', { name: text });
      await send(`session name, ${what}`, 'PATCH', '/api/session', { name: text });
      await send(`bio, ${what}`, 'PATCH', '/api/session', { bio: text });
      await send(`room title (new), ${what}`, 'POST', '/api/rooms', { title: text });
      await send(`room title, ${what}`, 'PATCH', `/api/rooms/${room.id}`, { title: text });
      await send(`comment, ${what}`, 'POST', `/api/works/${work.id}/comments`, { body: text });
      await send(`report note, ${what}`, 'POST', '/api/reports', { target: { type: 'work', id: work.id }, reason: 'spam', note: text });
    }
    for (const refusal of refusals) {
      expect(refusal, refusal.what).toMatchObject({ status: 400, error: { code: 'bad_request' } });
      expect(refusal.error?.message, refusal.what).toMatch(
        /(control characters|unpaired surrogates|bidirectional controls) are not allowed$/,
      );
    }

    expect((await http.json<SessionUserResponse>('GET', '/api/session', { token: ann.token })).user.name).toBe('Ann');
    const after = await http.json<GetRoomResponse>('GET', `/api/rooms/${room.id}`, { token: ann.token });
    expect(after.room.title).toBe('Harbour');
    expect((await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`)).items).toEqual([]);

    // Text boxes keep their line breaks and tabs; a title its emoji.
    await send('a comment of two lines', 'POST', `/api/works/${work.id}/comments`, { body: 'one\n\ttwo' });
    await send('an emoji title', 'PATCH', `/api/rooms/${room.id}`, { title: 'Harbour 🎨' });
    expect(refusals.slice(-2).map((r) => r.status)).toEqual([201, 200]);
  });
});

describe('free text over the realtime transports', () => {
  it('work:publish with a hostile title or description, on Socket.IO and the Yjs WebSocket: bad_request, nothing published', async () => {
    const server = await startServer();
    const ann = await studio(server, 'Ann');
    const ws = eventWs(server.url, ann.roomId, ann.token);
    await ws.raw.opened;
    const answers: Array<{ what: string; answer: unknown }> = [];
    for (const [what, text] of Object.entries(HOSTILE)) {
      for (const body of [{ title: text }, { title: 'ok', description: `line\n${text}` }]) {
        answers.push({ what: `Socket.IO, ${what}`, answer: await publish(ann.socket, ann.roomId, body) });
        answers.push({ what: `WebSocket, ${what}`, answer: await ws.call('work:publish', ann.roomId, body) });
      }
    }
    for (const { what, answer } of answers) {
      expect(answer, what).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/not allowed/) } });
    }
    expect((await api(server.url).json<GalleryPage>('GET', '/api/gallery')).items).toEqual([]);
    // A description of several lines is fine.
    expect(await publish(ann.socket, ann.roomId, { title: 'Harbour 🎨', description: 'one\ntwo' })).toMatchObject({ ok: true });
  });

  it("a room's prompt holding what free text refuses is published as none, on Socket.IO and the Yjs WebSocket; one of several lines as written", async () => {
    const server = await startServer({ PUBLISHES_PER_MINUTE: '100' });
    const ann = await studio(server, 'Ann');
    const ws = eventWs(server.url, ann.roomId, ann.token);
    await ws.raw.opened;
    const prompt = ann.doc.getText(ROOTS.prompt);
    const setPrompt = (text: string) =>
      ann.doc.transact(() => {
        prompt.delete(0, prompt.length);
        prompt.insert(0, text);
      });
    const answers: Array<{ what: string; answer: unknown }> = [];
    // An unpaired surrogate never reaches the server's document: Yjs writes text as UTF-8, so it arrives as U+FFFD.
    const hostile = Object.entries(HOSTILE).filter(([, text]) => !/\p{Cs}/u.test(text));
    for (const [what, text] of hostile) {
      setPrompt(`a harbour ${text}`);
      answers.push({ what: `Socket.IO, ${what}`, answer: await publish(ann.socket, ann.roomId, { title: what }) });
      answers.push({ what: `WebSocket, ${what}`, answer: await ws.call('work:publish', ann.roomId, { title: what }) });
    }
    for (const { what, answer } of answers)
      expect(answer, what).toMatchObject({ ok: true, work: { title: expect.any(String), prompt: '' } });
    setPrompt('  a harbour\n\tat dawn  ');
    expect(await publish(ann.socket, ann.roomId, { title: 'Dawn' })).toMatchObject({ ok: true, work: { prompt: 'a harbour\n\tat dawn' } });
    // The work's page and the feed show none either.
    const feed = await api(server.url).json<GalleryPage>('GET', '/api/gallery?limit=50');
    expect(feed.items.filter((work) => work.prompt !== '').map((work) => work.title)).toEqual(['Dawn']);
    // As long as a job may take (4,000), never cutting a character in half: 'x' then 2,500 two-unit emoji.
    setPrompt(`x${'🎨'.repeat(2500)}`);
    const long = (await publish(ann.socket, ann.roomId, { title: 'Long' })) as { ok: true; work: { prompt: string } };
    expect(long.work.prompt).toHaveLength(3999);
    expect(long.work.prompt.endsWith('🎨')).toBe(true);
  });
});
