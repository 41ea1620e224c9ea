// The tracker on a bare Y.Doc: transactions with each origin a room produces,
// no server, no transport.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { UpdateOrigin } from '../../server/rooms/origin.ts';
import { CandidateTracker, type Decision } from '../../server/signals/candidate-tracker.ts';

const ann: UpdateOrigin = { source: 'connection', connectionId: 'c1', userId: 'ann' };
const bob: UpdateOrigin = { source: 'connection', connectionId: 'c2', userId: 'bob' };
const src = (n: number) => `/media/${String(n).padStart(64, '0')}.png`;

function map(fields: Record<string, unknown>): Y.Map<unknown> {
  const m = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) m.set(key, value);
  return m;
}
const candidate = (job: string, i: number, image = i) =>
  map({ id: `${job}-${i}`, jobId: job, src: src(image), prompt: 'p', createdBy: 'ann' });
const layer = (id: string, image: number, jobId?: string) =>
  map({ id, src: src(image), ...(jobId ? { jobId } : {}), x: 0, y: 0, scale: 1, rotation: 0, opacity: 1, visible: true });

function setup() {
  const doc = new Y.Doc();
  const tray = doc.getArray<Y.Map<unknown>>(ROOTS.candidates);
  const stack = doc.getArray<Y.Map<unknown>>(ROOTS.layers);
  // As the server appends a job's results.
  doc.transact(() => tray.push([candidate('j1', 0), candidate('j1', 1), candidate('j1', 2)]), {
    source: 'server',
    reason: 'gen:result',
    userId: 'ann',
  });
  const seen: Array<{ by: string } & Decision> = [];
  const tracker = new CandidateTracker(doc, (decisions, by) => seen.push(...decisions.map((d) => ({ ...d, by }))));
  const indexOf = (id: string) => tray.toArray().findIndex((m) => m.get('id') === id);
  return { doc, tray, stack, seen, tracker, indexOf };
}

const summary = (seen: Array<{ by: string } & Decision>) =>
  seen.map((d) => `${d.by} ${d.outcome} ${d.candidate.id}${d.outcome === 'placed' ? ` as ${d.layerId}` : ''}`);

describe('candidate tracker', () => {
  it('sees a placement (candidate off the tray, layer on, one step) and a discard, each with its author', () => {
    const { doc, tray, stack, seen, indexOf } = setup();
    doc.transact(() => {
      tray.delete(indexOf('j1-1'), 1);
      stack.push([layer('L1', 1, 'j1')]);
    }, ann);
    doc.transact(() => tray.delete(indexOf('j1-0'), 1), bob);
    expect(summary(seen)).toEqual(['ann placed j1-1 as L1', 'bob discarded j1-0']);
    expect(seen[0]!.candidate).toEqual({ id: 'j1-1', jobId: 'j1', src: src(1) });
  });

  it('a layer placed while the candidate stays on the tray: removing the candidate later is no discard', () => {
    const { doc, tray, stack, seen, indexOf } = setup();
    doc.transact(() => stack.push([layer('L2', 2)]), ann);
    doc.transact(() => tray.delete(indexOf('j1-2'), 1), bob);
    expect(summary(seen)).toEqual(['ann placed j1-2 as L2']);
  });

  it('ignores drags, opacity, reorders and the prompt; an image swapped into a layer places its candidate', () => {
    const { doc, stack, seen } = setup();
    doc.transact(() => stack.push([layer('A', 900), layer('B', 901)]), ann);
    doc.transact(() => {
      stack.get(0).set('x', 40);
      stack.get(1).set('opacity', 0.5);
      doc.getText(ROOTS.prompt).insert(0, 'a red fox');
    }, ann);
    // A reorder as the client does it: the same fields in a new map.
    doc.transact(() => {
      const copy = map(stack.get(0).toJSON());
      stack.delete(0, 1);
      stack.insert(1, [copy]);
    }, bob);
    expect(seen).toEqual([]);
    doc.transact(() => stack.get(0).set('src', src(0)), bob);
    expect(summary(seen)).toEqual(['bob placed j1-0 as B']);
  });

  it('a layer naming another job does not place a candidate with the same image', () => {
    const { doc, stack, seen } = setup();
    doc.transact(() => stack.push([layer('X', 1, 'other-job')]), ann);
    expect(seen).toEqual([]);
  });

  it('records nothing the server or another node did, yet follows their changes', () => {
    const { doc, tray, stack, seen, indexOf } = setup();
    // The server trims the oldest candidate past the cap.
    doc.transact(() => tray.delete(indexOf('j1-0'), 1), { source: 'server', reason: 'gen:result', userId: 'ann' });
    // Another node relays a placement its own participant made (and recorded).
    doc.transact(
      () => {
        tray.delete(indexOf('j1-1'), 1);
        stack.push([layer('L1', 1, 'j1')]);
      },
      { source: 'remote', nodeId: 'n2' },
    );
    expect(seen).toEqual([]);
    // What is left is still known: a local discard of it is seen.
    doc.transact(() => tray.delete(indexOf('j1-2'), 1), ann);
    expect(summary(seen)).toEqual(['ann discarded j1-2']);
  });

  it('undo then redo of a placement on a client: the server sees the placement again and no discard', () => {
    const { doc: server, seen } = setup();
    // The client's own copy, its undo manager tracking its local changes; every update reaches the server as the client's.
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    client.on('update', (update: Uint8Array) => Y.applyUpdate(server, update, ann));
    const tray = client.getArray<Y.Map<unknown>>(ROOTS.candidates);
    const stack = client.getArray<Y.Map<unknown>>(ROOTS.layers);
    const local = { local: true };
    const undo = new Y.UndoManager([tray, stack], { trackedOrigins: new Set([local]) });
    client.transact(() => {
      tray.delete(
        tray.toArray().findIndex((m) => m.get('id') === 'j1-0'),
        1,
      );
      stack.push([layer('L0', 0, 'j1')]);
    }, local);
    undo.undo();
    expect(
      server
        .getArray<Y.Map<unknown>>(ROOTS.candidates)
        .toArray()
        .map((m) => m.get('id')),
    ).toContain('j1-0');
    expect(server.getArray(ROOTS.layers).length).toBe(0);
    undo.redo();
    expect(server.getArray(ROOTS.layers).length).toBe(1);
    // Placed twice (the store keeps one outcome per candidate and kind), never discarded.
    expect(summary(seen)).toEqual(['ann placed j1-0 as L0', 'ann placed j1-0 as L0']);
  });

  it('stops listening once disposed', () => {
    const { doc, tray, seen, tracker, indexOf } = setup();
    tracker.dispose();
    doc.transact(() => tray.delete(indexOf('j1-0'), 1), ann);
    expect(seen).toEqual([]);
  });
});
