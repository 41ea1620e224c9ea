// A spectator never hears of a job's images before they are in its document:
// spectators get the room's changes held (SPECTATOR_INTERVAL_MS, a minute
// here), and on a node other than the one running the job those images arrive
// as relayed changes, held like a maker's typing, while the job's gen:update
// comes through the Socket.IO adapter. Checked on one node and on two over
// Redis and PostgreSQL, on both transports: when a spectator hears the job
// succeeded, its document already holds every image the event names.
import * as decoding from 'lib0/decoding';
import { expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Job } from '../../shared/jobs.ts';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { decodeEvent } from '../../shared/yws-events.ts';
import { startJob } from '../generation/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, startNodes } from '../helpers/cluster.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';

const redis = await redisService();
const postgres = await postgresService();

/** Held for a minute: only an event's flush brings held changes to spectators within the test. */
const HELD = { SPECTATOR_INTERVAL_MS: '60000' };

/** What a spectator heard of one job: for each gen:update, whether its document then held every image it names. */
interface Heard {
  /** `status:complete`, one per gen:update of the job, in order. */
  seen: string[];
}

const candidateSrcs = (doc: Y.Doc) =>
  new Set(doc.getArray<Y.Map<unknown>>(ROOTS.candidates).map((candidate) => String(candidate.get('src'))));

const entry = (doc: Y.Doc, job: Job) => {
  const have = candidateSrcs(doc);
  return `${job.status}:${(job.results ?? []).every((image) => have.has(image.src))}`;
};

/** A Socket.IO spectator (the web client's provider): each gen:update checked against its document as it arrives. */
async function socketIoSpectator(url: string, token: string, roomId: string, invite: string) {
  const spectator = await joinWithSocketIo(url, token, roomId, invite);
  expect(spectator.joined.role).toBe('viewer');
  const heard: Heard = { seen: [] };
  spectator.socket.on('gen:update', (_roomId, job) => heard.seen.push(entry(spectator.doc, job)));
  return heard;
}

/** A spectator on the Yjs WebSocket with events (the room page): its frames replayed in order after the fact. */
async function wsSpectator(url: string, token: string, roomId: string, invite: string) {
  const raw = rawYjsSocket(url, `/yjs/${roomId}?token=${token}&invite=${invite}&events=1`);
  await raw.opened;
  // Joined, on the room's channel (room:joined comes once it is): the job's events come after.
  const joined = (frame: Uint8Array) => frame[0] === YWS_MESSAGE.event && decodeEvent(frame, 1).event === 'room:joined';
  await waitFor(() => raw.frames.some(joined), WAIT_BUDGET_MS, 'room:joined');
  return {
    heard(): Heard {
      const doc = new Y.Doc();
      const seen: string[] = [];
      for (const frame of raw.frames) {
        if (frame[0] === YWS_MESSAGE.sync) {
          const decoder = decoding.createDecoder(frame);
          decoding.readVarUint(decoder);
          const type = decoding.readVarUint(decoder);
          if (type !== syncProtocol.messageYjsSyncStep1) Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
        } else if (frame[0] === YWS_MESSAGE.event) {
          const { event, args } = decodeEvent(frame, 1);
          if (event === 'gen:update') seen.push(entry(doc, args[1] as Job));
        }
      }
      return { seen };
    },
  };
}

/** Every gen:update came after what it names: the job's succeeded event among them, with its images. */
function inOrder(heard: Heard): void {
  expect(heard.seen, JSON.stringify(heard.seen)).toContain('succeeded:true');
  expect(heard.seen.filter((s) => s.endsWith(':false'))).toEqual([]);
}

it('on one node, a job’s images reach spectators on both transports before its gen:update', async () => {
  const server = await startServer(HELD);
  const http = api(server.url);
  const [owner, viewerA, viewerB] = await Promise.all([http.session('Owner'), http.session('Viewer A'), http.session('Viewer B')]);
  const { room, invites } = await http.room(owner.token);
  const maker = await joinWithSocketIo(server.url, owner.token, room.id);
  const onSocketIo = await socketIoSpectator(server.url, viewerA.token, room.id, invites.view);
  const onWs = await wsSpectator(server.url, viewerB.token, room.id, invites.view);
  // The maker's typing is held for the spectators meanwhile.
  maker.doc.getText('prompt').insert(0, 'a lighthouse');
  await startJob(maker.socket, room.id, { prompt: 'a lighthouse', size: '256x256' });
  await waitFor(() => onSocketIo.seen.some((s) => s.startsWith('succeeded')), 20_000, 'succeeded on Socket.IO');
  await waitFor(() => onWs.heard().seen.some((s) => s.startsWith('succeeded')), 20_000, 'succeeded on the Yjs WebSocket');
  inOrder(onSocketIo);
  inOrder(onWs.heard());
});

describeWith([redis, postgres], 'two nodes', () => {
  it('a job run on node A reaches node B’s spectators, on both transports, after its images', async () => {
    const [a, b] = await startNodes(2, await clusterEnv(redis, postgres, HELD));
    if (!a || !b) throw new Error('two nodes');
    const owner = await api(a.url).session('Owner');
    const [viewerA, viewerB] = await Promise.all([api(b.url).session('Viewer A'), api(b.url).session('Viewer B')]);
    const { room, invites } = await api(a.url).room(owner.token);
    const maker = await joinWithSocketIo(a.url, owner.token, room.id);
    const onSocketIo = await socketIoSpectator(b.url, viewerA.token, room.id, invites.view);
    const onWs = await wsSpectator(b.url, viewerB.token, room.id, invites.view);
    // Node B has the room open with its spectators before the job ends (its relayed changes are held for them).
    await waitFor(() => b.registry.get(room.id)?.spectators === 2, WAIT_BUDGET_MS, 'both spectators in on node B');
    maker.doc.getText('prompt').insert(0, 'a lighthouse');
    await startJob(maker.socket, room.id, { prompt: 'a lighthouse', size: '256x256' });
    await waitFor(() => onSocketIo.seen.some((s) => s.startsWith('succeeded')), 20_000, 'succeeded on Socket.IO on node B');
    await waitFor(() => onWs.heard().seen.some((s) => s.startsWith('succeeded')), 20_000, 'succeeded on the Yjs WebSocket on node B');
    inOrder(onSocketIo);
    inOrder(onWs.heard());
  });
});
