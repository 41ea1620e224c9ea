// Free text is kept in one form, composed (NFC) and trimmed, wherever it
// enters: "é" typed as e + U+0301 and as U+00E9 is one name, title or comment,
// over HTTP and on both realtime transports, and search finds it however either
// side typed it, on the embedded store and on PostgreSQL. Handles are a-z, 0-9
// and _, so composing changes nothing there.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { searchTerms } from '../../server/social/search.ts';
import { bioSchema, handleSchema, type PasskeyInfo, type ProfileResponse } from '../../shared/accounts.ts';
import { checkLayer, ROOTS, readMeta } from '../../shared/doc-schema.ts';
import {
  type CreateRoomResponse,
  type GetRoomResponse,
  type PublicUser,
  roomTitleSchema,
  type SessionUserResponse,
  type Work,
} from '../../shared/protocol.ts';
import type { CommentResponse, SearchPage } from '../../shared/social.ts';
import { keptText, shownOrNone } from '../../shared/text.ts';
import { accountServer, accountWithPasskey } from '../accounts/helpers.ts';
import { publish, studio } from '../gallery/helpers.ts';
import { pushLayer, testLayer } from '../helpers/layers.ts';
import { api, startServer, type TestEnv } from '../helpers/server.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import { eventWs } from '../helpers/ws-events.ts';
import { seedWork } from '../social/helpers.ts';

const postgres = await postgresService();

const UNLIMITED = { HTTP_REQUESTS_PER_MINUTE: '1000000', ROOMS_PER_MINUTE: '1000000', SESSIONS_PER_MINUTE: '1000000' };

/** Each word typed decomposed (a letter, then its combining mark; Hangul as jamo) and composed. */
const DECOMPOSED = { cafe: 'Cafe\u0301', zoe: 'Zoe\u0308', hangul: '\u1112\u1161\u11ab\u1100\u1173\u11af' } as const;
const COMPOSED = { cafe: 'Caf\u00e9', zoe: 'Zo\u00eb', hangul: '\ud55c\uae00' } as const;

describe('the kept form of free text', () => {
  it('is composed and trimmed by the shared rule, the document readers and the search words', () => {
    expect(keptText(` ${DECOMPOSED.hangul}\n`)).toBe(COMPOSED.hangul);
    expect(roomTitleSchema.parse(` ${DECOMPOSED.cafe} `)).toBe(COMPOSED.cafe);
    // Bounds count the kept form: 300 decomposed "é" are 600 code points, and a bio of 300.
    expect(bioSchema.parse('e\u0301'.repeat(300))).toBe('\u00e9'.repeat(300));
    expect(shownOrNone(DECOMPOSED.zoe, 'line')).toBe(COMPOSED.zoe);

    const doc = new Y.Doc();
    doc.getMap(ROOTS.meta).set('title', DECOMPOSED.cafe);
    expect(readMeta(doc).title).toBe(COMPOSED.cafe);
    pushLayer(doc, { ...testLayer({ id: 'l1' }), name: DECOMPOSED.zoe });
    expect(checkLayer(doc.getArray(ROOTS.layers).get(0))).toMatchObject({ ok: true, layer: { name: COMPOSED.zoe } });

    expect(searchTerms(`${DECOMPOSED.cafe} ${DECOMPOSED.hangul}`)).toEqual([COMPOSED.cafe.toLowerCase(), COMPOSED.hangul]);
    // A handle is a-z, 0-9 and _: a letter with a mark is refused however it is typed.
    expect(handleSchema.safeParse(`${DECOMPOSED.zoe}_art`).success).toBe(false);
    expect(handleSchema.safeParse(`${COMPOSED.zoe}_art`).success).toBe(false);
  });
});

describe('free text over HTTP', () => {
  it('names, bios, room titles, comments and passkey names are stored and answered composed', async () => {
    const server = await accountServer(UNLIMITED);
    const { http } = server;
    const ann = await accountWithPasskey(server, DECOMPOSED.zoe);
    expect(ann.user.name).toBe(COMPOSED.zoe);

    const patched = await http.json<SessionUserResponse>('PATCH', '/api/session', {
      token: ann.token,
      body: { name: ` ${DECOMPOSED.cafe} `, bio: `${DECOMPOSED.cafe}\n${DECOMPOSED.hangul}`, handle: 'zoe_art' },
    });
    expect(patched.user.name).toBe(COMPOSED.cafe);
    const profile = await http.json<ProfileResponse>('GET', '/api/users/zoe_art');
    expect(profile.user).toMatchObject({ name: COMPOSED.cafe, bio: `${COMPOSED.cafe}\n${COMPOSED.hangul}` });

    const { room } = await http.json<CreateRoomResponse>('POST', '/api/rooms', { token: ann.token, body: { title: DECOMPOSED.hangul } });
    expect(room.title).toBe(COMPOSED.hangul);
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { title: DECOMPOSED.cafe } });
    expect((await http.json<GetRoomResponse>('GET', `/api/rooms/${room.id}`, { token: ann.token })).room.title).toBe(COMPOSED.cafe);

    const work = await seedWork(server.atelier, [{ id: ann.user.id, name: ann.user.name, token: ann.token }]);
    const posted = await http.json<CommentResponse>('POST', `/api/works/${work.id}/comments`, {
      token: ann.token,
      body: { body: `${DECOMPOSED.zoe}\n` },
    });
    expect(posted.comment.body).toBe(COMPOSED.zoe);
    const edited = await http.json<CommentResponse>('PATCH', `/api/comments/${posted.comment.id}`, {
      token: ann.token,
      body: { body: DECOMPOSED.hangul },
    });
    expect(edited.comment.body).toBe(COMPOSED.hangul);

    const renamed = await http.json<{ passkey: PasskeyInfo }>('PATCH', `/api/auth/passkeys/${ann.passkey.id}`, {
      token: ann.token,
      body: { name: DECOMPOSED.cafe },
    });
    expect(renamed.passkey.name).toBe(COMPOSED.cafe);
  });
});

describe('free text over the realtime transports', () => {
  it("work:publish on Socket.IO and the Yjs WebSocket keeps the title and description composed, and the room's prompt too", async () => {
    const server = await startServer();
    const ann = await studio(server, 'Ann');
    const ws = eventWs(server.url, ann.roomId, ann.token);
    await ws.raw.opened;
    const prompt = ann.doc.getText(ROOTS.prompt);
    prompt.insert(prompt.length, ` ${DECOMPOSED.zoe}\n`);
    const body = { title: DECOMPOSED.cafe, description: `${DECOMPOSED.zoe}\n${DECOMPOSED.hangul}` };
    const acks = [await publish(ann.socket, ann.roomId, body), await ws.call('work:publish', ann.roomId, body)];
    for (const ack of acks) {
      expect(ack).toMatchObject({
        ok: true,
        work: { title: COMPOSED.cafe, description: `${COMPOSED.zoe}\n${COMPOSED.hangul}`, prompt: `Ann's prompt ${COMPOSED.zoe}` },
      });
    }
  });
});

function search(backend: string, env: () => Promise<TestEnv>) {
  describe(`search compares composed words (${backend})`, () => {
    it('finds people and works by words typed composed or decomposed, on either side', async () => {
      const server = await startServer({ ...UNLIMITED, ...(await env()) });
      const http = api(server.url);
      const zoe = await http.session(`${DECOMPOSED.zoe} ${DECOMPOSED.hangul}`);
      const ann = await studio(server, 'Ann');
      const ack = await publish(ann.socket, ann.roomId, { title: `${DECOMPOSED.cafe} lighthouse` });
      expect(ack).toMatchObject({ ok: true });
      const users = async (q: string) =>
        ((await http.json<SearchPage>('GET', `/api/search?type=users&q=${encodeURIComponent(q)}`)).items as PublicUser[]).map((u) => u.id);
      const works = async (q: string) =>
        ((await http.json<SearchPage>('GET', `/api/search?type=works&q=${encodeURIComponent(q)}`)).items as Work[]).map((w) => w.title);
      for (const form of [DECOMPOSED, COMPOSED]) {
        expect(await users(form.zoe), form.zoe).toEqual([zoe.user.id]);
        expect(await users(form.hangul), form.hangul).toEqual([zoe.user.id]);
        expect(await works(form.cafe), form.cafe).toEqual([`${COMPOSED.cafe} lighthouse`]);
      }
    });
  });
}

search('SQLite', async () => ({}));
describeWith([postgres], 'PostgreSQL', () => {
  search('PostgreSQL', async () => ({ DATABASE_URL: await createTestDatabase(postgres) }));
});
