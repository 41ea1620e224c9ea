// A scripted session in one room, two people, one of whom shares signals:
// the export holds exactly the records the script implies, only while
// everyone each record is about consents, and a withdrawal takes effect at once.
import { describe, expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Job, SessionUserResponse } from '../../shared/protocol.ts';
import type { SignalLine } from '../../shared/signals.ts';
import { Pseudonyms } from '../../server/signals/pseudonyms.ts';
import { published, setCanvas } from '../gallery/helpers.ts';
import { startJob, watchJobs } from '../generation/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer } from '../helpers/server.ts';
import { discard, exported, place, PSEUDONYM_KEY, settled, SIGNALS_ENV, trayIds } from './helpers.ts';

describe('creative signals from a room session', () => {
  it('records every prompt revision, generation, outcome, pair, publish, like, unlike and remix; exports only what every subject consented to', async () => {
    const server = await startServer(SIGNALS_ENV);
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    expect(ann.user.shareSignals).toBe(false);
    const consent = (token: string, shareSignals: boolean) =>
      http.json<SessionUserResponse>('PATCH', '/api/session', { token, body: { shareSignals } });
    expect((await consent(ann.token, true)).user).toEqual({ ...ann.user, shareSignals: true });

    const { room } = await http.room(ann.token, { title: 'Foxes' });
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    const jobs = watchJobs(a.socket);
    setCanvas(a.doc, 256, 256, '#ffffff');
    a.doc.getText(ROOTS.prompt).insert(0, 'a red fox');
    await settled(server, room.id, (doc) => doc.getText(ROOTS.prompt).toString() === 'a red fox');

    // Ann generates four; she keeps one, Bob throws one away, she throws one away, one stays on the tray.
    const first = await startJob(a.socket, room.id, { size: '256x256', count: 4, seed: 7 });
    const job1 = await jobs.until(first.id, 'succeeded');
    const c1 = job1.results!.map((image, i) => ({ id: `${job1.id}-${i}`, src: image.src }));
    await settled(server, room.id, (doc) => trayIds(doc).length === 4);
    await settled(server, room.id, () => trayIds(a.doc).length === 4 && trayIds(b.doc).length === 4);
    place(a.doc, c1[0]!.id, 'fox', ann.user.id);
    await settled(server, room.id, (doc) => doc.getArray(ROOTS.layers).length === 1);
    discard(b.doc, c1[1]!.id);
    await settled(server, room.id, (doc) => trayIds(doc).length === 2);
    await settled(server, room.id, () => trayIds(a.doc).length === 2);
    discard(a.doc, c1[2]!.id);
    await settled(server, room.id, (doc) => trayIds(doc).length === 1);

    // Bob revises the prompt and generates two; he keeps one, Ann throws the other away.
    b.doc.getText(ROOTS.prompt).insert('a red fox'.length, ' at dusk');
    await settled(server, room.id, (doc) => doc.getText(ROOTS.prompt).toString() === 'a red fox at dusk');
    const second = await startJob(b.socket, room.id, { size: '256x256', count: 2, seed: 11 });
    const job2 = await jobs.until(second.id, 'succeeded');
    const c2 = job2.results!.map((image, i) => ({ id: `${job2.id}-${i}`, src: image.src }));
    await settled(server, room.id, () => trayIds(b.doc).length === 3);
    place(b.doc, c2[0]!.id, 'dusk', bob.user.id);
    await settled(server, room.id, (doc) => doc.getArray(ROOTS.layers).length === 2);
    await settled(server, room.id, () => trayIds(a.doc).length === 2);
    discard(a.doc, c2[1]!.id);
    await settled(server, room.id, (doc) => trayIds(doc).length === 1);

    // Ann publishes with one candidate still on the tray; Bob likes it, Ann likes and unlikes it, Bob remixes it.
    await settled(server, room.id, () => a.doc.getArray(ROOTS.layers).length === 2);
    const work = await published(a.socket, room.id, { title: 'Foxes at dusk' });
    await server.signals.idle();
    await http.json('POST', `/api/works/${work.id}/like`, { token: bob.token, expect: 200 });
    await server.signals.idle();
    await http.json('POST', `/api/works/${work.id}/like`, { token: ann.token, expect: 200 });
    await server.signals.idle();
    await http.json('DELETE', `/api/works/${work.id}/like`, { token: ann.token, expect: 200 });
    await server.signals.idle();
    const remix = await http.json<{ room: { id: string } }>('POST', `/api/works/${work.id}/remix`, { token: bob.token });
    await server.signals.idle();

    const p = new Pseudonyms(PSEUDONYM_KEY);
    const A = p.user(ann.user.id);
    const B = p.user(bob.user.id);
    const R = p.room(room.id);
    const any = { v: 1, seq: expect.any(Number), at: expect.any(String), room: R };
    const generation = (job: Job, user: string, count: number, seed: number) => ({
      ...any,
      type: 'generation',
      user,
      at: job.finishedAt,
      data: {
        jobId: job.id,
        status: 'succeeded',
        provider: 'local',
        model: 'procedural-v1',
        seed,
        size: '256x256',
        count,
        editLayerId: null,
        maskLayerId: null,
        queuedMs: expect.any(Number),
        durationMs: expect.any(Number),
        images: job.results!.map((image) => image.src),
        error: null,
      },
    });
    const outcome = (user: string, job: Job, c: { id: string; src: string }, outcome: string, more: object = {}) => ({
      ...any,
      type: 'candidate_outcome',
      user,
      data: { jobId: job.id, candidateId: c.id, src: c.src, outcome, layerId: null, workId: null, ...more },
    });
    const pair = (
      user: string,
      job: Job,
      requestedBy: string,
      prompt: string,
      kept: [{ id: string; src: string }, string],
      discarded: [{ id: string; src: string }, string],
    ) => ({
      ...any,
      type: 'preference_pair',
      user,
      data: {
        jobId: job.id,
        prompt,
        requestedBy,
        kept: { candidateId: kept[0].id, src: kept[0].src, by: kept[1], at: expect.any(String) },
        discarded: { candidateId: discarded[0].id, src: discarded[0].src, by: discarded[1], at: expect.any(String) },
      },
    });
    const all = {
      revision1: {
        ...any,
        type: 'prompt_revision',
        user: A,
        at: job1.createdAt,
        data: { jobId: job1.id, text: 'a red fox', previous: null, diff: [['+', 'a red fox']] },
      },
      generation1: generation(job1, A, 4, 7),
      placed10: outcome(A, job1, c1[0]!, 'placed', { layerId: 'fox' }),
      discarded11: outcome(B, job1, c1[1]!, 'discarded'),
      pair10x11: pair(B, job1, A, 'a red fox', [c1[0]!, A], [c1[1]!, B]),
      discarded12: outcome(A, job1, c1[2]!, 'discarded'),
      pair10x12: pair(A, job1, A, 'a red fox', [c1[0]!, A], [c1[2]!, A]),
      revision2: {
        ...any,
        type: 'prompt_revision',
        user: B,
        at: job2.createdAt,
        data: {
          jobId: job2.id,
          text: 'a red fox at dusk',
          previous: { jobId: job1.id, at: job1.createdAt },
          diff: [
            ['=', 'a red fox'],
            ['+', ' at dusk'],
          ],
        },
      },
      generation2: generation(job2, B, 2, 11),
      placed20: outcome(B, job2, c2[0]!, 'placed', { layerId: 'dusk' }),
      discarded21: outcome(A, job2, c2[1]!, 'discarded'),
      pair20x21: pair(A, job2, B, 'a red fox at dusk', [c2[0]!, B], [c2[1]!, A]),
      publish: {
        ...any,
        type: 'publish',
        user: A,
        at: work.createdAt,
        data: {
          workId: work.id,
          title: 'Foxes at dusk',
          description: '',
          prompt: 'a red fox at dusk',
          width: 256,
          height: 256,
          background: '#ffffff',
          imageUrl: work.imageUrl,
          remixOf: null,
          layers: [
            { id: 'fox', src: c1[0]!.src, jobId: job1.id, visible: true, opacity: 1, blend: 'normal', x: 0, y: 0, scale: 1, rotation: 0 },
            { id: 'dusk', src: c2[0]!.src, jobId: job2.id, visible: true, opacity: 1, blend: 'normal', x: 0, y: 0, scale: 1, rotation: 0 },
          ],
        },
      },
      left13: { ...outcome(A, job1, c1[3]!, 'left', { workId: work.id }), at: work.createdAt },
      likeB: { ...any, type: 'like', user: B, data: { workId: work.id } },
      likeA: { ...any, type: 'like', user: A, data: { workId: work.id } },
      unlikeA: { ...any, type: 'unlike', user: A, data: { workId: work.id } },
      remixB: { ...any, type: 'remix', user: B, data: { workId: work.id, remixRoom: p.room(remix.room.id) } },
    };
    const only = (...names: Array<keyof typeof all>) => names.map((name) => all[name]);
    const increasing = (lines: SignalLine[]) => expect(lines.map((l) => l.seq)).toEqual(lines.map((l) => l.seq).sort((x, y) => x - y));

    // Only Ann consents: her own records, and no pair that involves Bob (as requester, keeper or discarder).
    const annOnly = await exported(server.url);
    expect(annOnly).toEqual(
      only('revision1', 'generation1', 'placed10', 'discarded12', 'pair10x12', 'discarded21', 'publish', 'left13', 'likeA', 'unlikeA'),
    );
    increasing(annOnly);

    // Bob consents too: everything the session produced, in the order it happened.
    await consent(bob.token, true);
    const everything = await exported(server.url);
    expect(everything).toEqual(Object.values(all));
    increasing(everything);

    // Ann withdraws: none of her records, nor any pair she is part of, in this or any later export.
    await consent(ann.token, false);
    expect(await exported(server.url)).toEqual(only('discarded11', 'revision2', 'generation2', 'placed20', 'likeB', 'remixB'));
    await consent(bob.token, false);
    expect(await exported(server.url)).toEqual([]);
  });
});
