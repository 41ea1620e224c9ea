// Every route that takes a body takes a JSON object as application/json: a
// body of another type is 415 unsupported_media_type, JSON that is not an
// object is 400, and neither changes anything. Uploads take the file itself.
// A request that changes something and names another type is 415 without a
// body too (an empty HTML form names one); naming none, or JSON, it has no fields.
import { describe, expect, it } from 'vitest';
import type { GetRoomResponse, SessionUserResponse, WireError, Work } from '../../shared/protocol.ts';
import type { CommentPage, CommentResponse, SocialSummary } from '../../shared/social.ts';
import { api, startServer } from '../helpers/server.ts';
import { person, seedWork } from '../social/helpers.ts';

const UNLIMITED = { HTTP_REQUESTS_PER_MINUTE: '1000000', ROOMS_PER_MINUTE: '1000000', SESSIONS_PER_MINUTE: '1000000' };

/** Bodies that are not JSON by their type, each with the headers that say so (none for a bare byte body). */
const NOT_JSON: Array<[string, Record<string, string>]> = [
  ['text/plain', { 'Content-Type': 'text/plain' }],
  ['text/plain with a charset', { 'Content-Type': 'text/plain;charset=UTF-8' }],
  ['a form', { 'Content-Type': 'application/x-www-form-urlencoded' }],
  ['multipart', { 'Content-Type': 'multipart/form-data; boundary=x' }],
  ['no type at all', {}],
];

describe('JSON bodies', () => {
  it('every JSON route refuses a body of another type with 415, and one that is not an object with 400, changing nothing', async () => {
    const server = await startServer(UNLIMITED);
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const { room } = await http.room(ann.token, { title: 'Harbour' });
    const work = await seedWork(server, [ann]);
    const { comment } = await http.json<CommentResponse>('POST', `/api/works/${work.id}/comments`, {
      token: ann.token,
      body: { body: 'first' },
    });
    const roomsBefore = (await server.store.records.listRooms(ann.id, 100)).length;
    // Each body is one the route would accept as JSON.
    const routes: Array<[string, string, object]> = [
      ['POST', '/api/session', { name: 'Eve' }],
      ['PATCH', '/api/session', { name: 'Eve' }],
      ['POST', '/api/rooms', { title: 'Mine' }],
      ['PATCH', `/api/rooms/${room.id}`, { title: 'Renamed' }],
      ['POST', `/api/works/${work.id}/comments`, { body: 'second' }],
      ['PATCH', `/api/comments/${comment.id}`, { body: 'edited' }],
      ['POST', '/api/reports', { target: { type: 'room', id: room.id }, reason: 'spam' }],
      ['POST', '/api/notifications/read', {}],
      ['PUT', '/api/notifications/settings', { muted: ['comment'] }],
      ['POST', '/api/auth/passkeys/options', { purpose: 'register' }],
      ['DELETE', '/api/account', { confirm: true }],
      ['POST', `/api/works/${work.id}/remix`, {}],
    ];
    const answers: Array<{ what: string; status: number; code?: string }> = [];
    const send = async (what: string, method: string, route: string, headers: Record<string, string>, body: string | Blob) => {
      const res = await fetch(server.url + route, { method, headers: { Authorization: `Bearer ${ann.token}`, ...headers }, body });
      const answer = (await res.json()) as { error?: WireError };
      answers.push({ what, status: res.status, code: answer.error?.code });
    };
    for (const [method, route, body] of routes) {
      for (const [kind, headers] of NOT_JSON) {
        // A Blob without a type: fetch names none.
        const bytes = kind === 'no type at all' ? new Blob([JSON.stringify(body)]) : JSON.stringify(body);
        await send(`${method} ${route} as ${kind}`, method, route, headers, bytes);
      }
    }
    for (const answer of answers) expect(answer, answer.what).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    answers.length = 0;
    for (const [method, route] of routes) {
      for (const json of ['[]', '[{"title":"x"}]']) {
        await send(`${method} ${route} with ${json}`, method, route, { 'Content-Type': 'application/json' }, json);
      }
    }
    for (const answer of answers) expect(answer, answer.what).toMatchObject({ status: 400, code: 'bad_request' });

    // Nothing changed: the same user and name, room, comment, rooms; the account is still there.
    expect((await http.json<SessionUserResponse>('GET', '/api/session', { token: ann.token })).user.name).toBe('Ann');
    expect((await http.json<GetRoomResponse>('GET', `/api/rooms/${room.id}`, { token: ann.token })).room.title).toBe('Harbour');
    expect((await server.store.records.listRooms(ann.id, 100)).length).toBe(roomsBefore);
    const comments = await http.json<{ items: Array<{ body: string }> }>('GET', `/api/works/${work.id}/comments`);
    expect(comments.items.map((c) => c.body)).toEqual(['first']);
  });

  it('a request without a body is one with no fields, and a JSON object goes through as before', async () => {
    const server = await startServer(UNLIMITED);
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    // fetch sends a bare POST with Content-Length: 0 and no type.
    const bare = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { Authorization: `Bearer ${ann.token}` } });
    expect(bare.status).toBe(201);
    expect(((await bare.json()) as GetRoomResponse).room.title).toBe('Untitled room');
    const typed = await http.request('POST', '/api/rooms', {
      token: ann.token,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: '{"title":"Harbour"}',
    });
    expect(typed.status).toBe(201);
    expect(((await typed.json()) as GetRoomResponse).room.title).toBe('Harbour');
  });

  it('without a body: a declared type other than JSON is 415 on a route that changes something, none or JSON is no fields, a GET is not read', async () => {
    const server = await startServer(UNLIMITED);
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const bob = await person(server, 'Bob');
    const work = await seedWork(server, [bob]);
    const { comment } = await http.json<CommentResponse>('POST', `/api/works/${work.id}/comments`, {
      token: ann.token,
      body: { body: 'first' },
    });
    const roomsBefore = (await server.store.records.listRooms(ann.id, 100)).length;
    // Routes that take no body, and two whose fields are all optional (an empty form to one made a room).
    const routes: Array<[string, string]> = [
      ['POST', `/api/works/${work.id}/like`],
      ['POST', `/api/users/${bob.id}/follow`],
      ['DELETE', `/api/comments/${comment.id}`],
      ['POST', '/api/rooms'],
      ['POST', `/api/works/${work.id}/remix`],
      ['POST', `/api/users/${bob.id}/block`],
      ['DELETE', '/api/session'],
    ];
    const declared = [...NOT_JSON.flatMap(([, headers]) => headers['Content-Type'] ?? []), 'application/octet-stream'];
    // An empty body: fetch sends Content-Length 0 and the type given, or no type when there is no body at all.
    const send = (method: string, route: string, type?: string) =>
      fetch(server.url + route, {
        method,
        headers: { Authorization: `Bearer ${ann.token}`, ...(type === undefined ? {} : { 'Content-Type': type }) },
        ...(type === undefined ? {} : { body: '' }),
      });
    const answers: Array<{ what: string; status: number; code?: string }> = [];
    for (const [method, route] of routes) {
      for (const type of declared) {
        const res = await send(method, route, type);
        const code = ((await res.json()) as { error?: WireError }).error?.code;
        answers.push({ what: `${method} ${route}, empty, as ${type}`, status: res.status, code });
      }
    }
    for (const answer of answers) expect(answer, answer.what).toMatchObject({ status: 415, code: 'unsupported_media_type' });

    // Nothing changed: no like, follow or block, the comment and the session are there, no room was made.
    expect((await http.json<Work>('GET', `/api/works/${work.id}`, { token: ann.token })).likes).toBe(0);
    expect(await http.json<SocialSummary>('GET', `/api/users/${bob.id}/social`, { token: ann.token })).toMatchObject({
      followers: 0,
      followedByMe: false,
      blockedByMe: false,
    });
    expect((await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`)).items.map((c) => c.id)).toEqual([comment.id]);
    expect((await server.store.records.listRooms(ann.id, 100)).length).toBe(roomsBefore);
    expect((await http.json<SessionUserResponse>('GET', '/api/session', { token: ann.token })).user.name).toBe('Ann');

    // A GET names what it likes: it has no body to read.
    expect((await fetch(`${server.url}/api/works/${work.id}`, { headers: { 'Content-Type': 'text/plain' } })).status).toBe(200);
    // With no type, or JSON, the same requests go through (signing out comes last).
    const statuses: number[] = [];
    for (const [i, [method, route]] of routes.entries()) {
      statuses.push((await send(method, route, i % 2 === 0 ? undefined : 'application/json')).status);
    }
    expect(statuses).toEqual([200, 200, 204, 201, 201, 200, 204]);
    expect((await http.json<Work>('GET', `/api/works/${work.id}`, { token: bob.token })).likes).toBe(1);
  });
});
