// Sampled frames are stored together (server/timeline/frame-batch.ts): frames
// of many rooms taken close together cost one commit, and a room's frames stay
// in the order taken even when a publish of that room is still being read.
// A real SQLite store underneath; the batch is written by idle() (as at a
// flush or shutdown), never by waiting for its timer.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { UpdateOrigin } from '../../server/rooms/origin.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import type { Store } from '../../server/store/store.ts';
import type { TimelineStore } from '../../server/store/timeline.ts';
import { TimelineRecorder } from '../../server/timeline/timeline-recorder.ts';
import { tempDir } from '../helpers/server.ts';

const TYPIST: UpdateOrigin = { source: 'connection', connectionId: 'c1', userId: 'u1' };
const EVERYTHING = { id: 'none', createdAt: '9999-01-01T00:00:00.000Z' };

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** A recorder taking a frame per character typed, over a real store whose writes it lists. */
function recorder(gallery: ConstructorParameters<typeof TimelineRecorder>[0]['gallery']) {
  const opened = openSqliteStore(tempDir(), { thread: false });
  store = opened;
  const writes: string[] = [];
  /** Writes still to fail, as a full disk would. */
  const failing = { writes: 0 };
  const timeline: TimelineStore = {
    append(frame, max) {
      writes.push(`append ${frame.roomId} ${frame.event}`);
      return opened.timeline.append(frame, max);
    },
    appendMany(frames, max) {
      writes.push(`appendMany ${frames.map((f) => `${f.roomId} ${f.event}`).join(', ')}`);
      if (failing.writes > 0) {
        failing.writes--;
        return Promise.reject(new Error('disk full'));
      }
      return opened.timeline.appendMany(frames, max);
    },
    forWork: (roomId, work) => opened.timeline.forWork(roomId, work),
    count: (roomId) => opened.timeline.count(roomId),
  };
  const recording = new TimelineRecorder({
    store: timeline,
    gallery,
    settings: { pauseMs: 60_000, promptChars: 1, maxFrames: 500 },
    logger: pino({ level: 'silent' }),
  });
  const docs = new Map<string, Y.Doc>();
  const type = (roomId: string, text: string) => {
    let doc = docs.get(roomId);
    if (!doc) {
      doc = new Y.Doc();
      docs.set(roomId, doc);
      recording.roomLoaded({ id: roomId, doc });
    }
    const prompt = doc.getText(ROOTS.prompt);
    doc.transact(() => prompt.insert(prompt.length, text), TYPIST);
  };
  const framesOf = async (roomId: string) => (await opened.timeline.forWork(roomId, EVERYTHING)).map((f) => `${f.event} ${f.prompt}`);
  return { recording, writes, type, framesOf, failing };
}

const noWorks = { getWorkSource: async () => null };

describe('frame batches', () => {
  it('stores the frames of many rooms taken together in one write, each room in order', async () => {
    const { recording, writes, type, framesOf } = recorder(noWorks);
    type('a', 'x');
    type('b', 'y');
    type('a', 'z');
    type('c', 'w');
    await recording.idle();
    expect(writes).toEqual(['appendMany a prompt, b prompt, a prompt, c prompt']);
    expect(await framesOf('a')).toEqual(['prompt x', 'prompt xz']);
    expect(await framesOf('b')).toEqual(['prompt y']);
    expect(await framesOf('c')).toEqual(['prompt w']);
  });

  it('a room whose publish is still being read keeps its later frame after the publish; other rooms still batch', async () => {
    let release = () => {};
    const reading = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gallery = {
      async getWorkSource() {
        await reading;
        return { title: 't', prompt: 'x', layers: [], width: 1, height: 1, state: new Uint8Array(), allowRemix: true, hidePrompt: false };
      },
    };
    const { recording, writes, type, framesOf } = recorder(gallery);
    type('a', 'x');
    await recording.idle();
    recording.published({ id: 'w1', roomId: 'a', createdAt: new Date().toISOString(), publishedBy: 'u1' });
    type('a', 'y');
    type('b', 'q');
    const idle = recording.idle();
    release();
    await idle;
    expect(writes).toEqual(['appendMany a prompt', 'appendMany b prompt', 'append a publish', 'append a prompt']);
    expect(await framesOf('a')).toEqual(['prompt x', 'publish x', 'prompt xy']);
    expect(await framesOf('b')).toEqual(['prompt q']);
  });

  it('a batch that cannot be stored is lost, not retried, and the frames after it are stored', async () => {
    const { recording, writes, type, framesOf, failing } = recorder(noWorks);
    failing.writes = 1;
    type('a', 'x');
    type('b', 'y');
    await recording.idle();
    type('a', 'z');
    await recording.idle();
    expect(writes).toEqual(['appendMany a prompt, b prompt', 'appendMany a prompt']);
    expect(await framesOf('a')).toEqual(['prompt xz']);
    expect(await framesOf('b')).toEqual([]);
  });
});
