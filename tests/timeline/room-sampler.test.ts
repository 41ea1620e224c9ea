// The sampler on a real Y.Doc, changes made with the origins rooms give them:
// which changes become frames, with what state, credited to whom.
import { describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { UpdateOrigin } from '../../server/rooms/origin.ts';
import { RoomSampler, type SampledFrame } from '../../server/timeline/room-sampler.ts';
import { addLayer } from '../gallery/helpers.ts';

const src = (n: number) => `/media/${n.toString(16).padStart(64, '0')}.png`;
const by = (userId: string): UpdateOrigin => ({ source: 'connection', connectionId: `c-${userId}`, userId });

function sampled(settings = { pauseMs: 60_000, promptChars: 1000 }) {
  const doc = new Y.Doc();
  const frames: SampledFrame[] = [];
  const sampler = new RoomSampler(doc, settings, (frame) => frames.push(frame));
  onTestFinished(() => sampler.dispose());
  const prompt = doc.getText(ROOTS.prompt);
  const type = (text: string, origin: UpdateOrigin) => {
    for (const ch of text) doc.transact(() => prompt.insert(prompt.length, ch), origin);
  };
  const place = (id: string, n: number, origin: UpdateOrigin) => doc.transact(() => addLayer(doc, { id, src: src(n) }), origin);
  const summary = () => frames.map((f) => `${f.event}:${f.actorId}:${f.prompt}:${f.layers.map((l) => l.id).join(',')}`);
  return { doc, frames, sampler, type, place, summary };
}

describe('room sampler', () => {
  it('coalesces typing into one frame, recorded as it was just before a placement', () => {
    const { type, place, sampler, summary } = sampled();
    type('a red fox', by('ann'));
    expect(summary()).toEqual([]);
    place('l1', 1, by('bob'));
    type(' at dusk', by('ann'));
    place('l2', 2, by('ann'));
    sampler.flush();
    expect(summary()).toEqual([
      'prompt:ann:a red fox:',
      'place:bob:a red fox:l1',
      'prompt:ann:a red fox at dusk:l1',
      'place:ann:a red fox at dusk:l1,l2',
    ]);
    // Nothing is pending now.
    sampler.flush();
    expect(summary()).toHaveLength(4);
  });

  it('records a prompt frame every TIMELINE_PROMPT_CHARS while typing goes on', () => {
    const { type, summary } = sampled({ pauseMs: 60_000, promptChars: 5 });
    type('hello world!', by('ann'));
    expect(summary()).toEqual(['prompt:ann:hello:', 'prompt:ann:hello worl:']);
  });

  it('records after a pause', async () => {
    const { type, frames } = sampled({ pauseMs: 50, promptChars: 1000 });
    type('still', by('ann'));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (frames.length > 0) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(frames.map((f) => f.prompt)).toEqual(['still']);
  });

  it('tells layer tweaks from placements, and credits the one who edited most', () => {
    const { doc, type, place, sampler, summary, frames } = sampled();
    place('l1', 1, by('ann'));
    const layer = doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(0);
    doc.transact(() => layer.set('opacity', 0.4), by('bob'));
    doc.transact(() => layer.set('x', 12), by('bob'));
    doc.transact(() => layer.set('blend', 'multiply'), by('ann'));
    type('x', by('ann'));
    sampler.flush();
    expect(summary()).toEqual(['place:ann::l1', 'layer:bob::l1', 'prompt:ann:x:l1']);
    expect(frames[1]?.layers[0]).toMatchObject({ opacity: 0.4, x: 12, blend: 'multiply' });
    // Moving a layer re-inserts the same id: a tweak, not a placement.
    place('l2', 2, by('ann'));
    const stack = doc.getArray<Y.Map<unknown>>(ROOTS.layers);
    doc.transact(() => {
      const copy = new Y.Map<unknown>();
      for (const [key, value] of Object.entries(stack.get(0).toJSON())) copy.set(key, value);
      stack.delete(0, 1);
      stack.push([copy]);
    }, by('ann'));
    sampler.flush();
    expect(summary().slice(3)).toEqual(['place:ann:x:l1,l2', 'layer:ann:x:l2,l1']);
  });

  it('records job results as `generate` for who asked, and nothing for changes relayed from another node', () => {
    const { doc, type, sampler, summary, frames } = sampled();
    const candidate = new Y.Map<unknown>();
    for (const [key, value] of Object.entries({ id: 'j1-0', src: src(9), jobId: 'j1' })) candidate.set(key, value);
    doc.transact(() => doc.getArray(ROOTS.candidates).push([candidate]), { source: 'server', reason: 'gen:result', userId: 'ann' });
    type('from elsewhere', { source: 'remote', nodeId: 'other' });
    doc.transact(() => addLayer(doc, { id: 'l9', src: src(9) }), { source: 'remote', nodeId: 'other' });
    sampler.flush();
    expect(summary()).toEqual(['generate:ann::']);
    expect(frames[0]?.images).toEqual([src(9)]);
    // The next frame made here shows what the other node did, as the room now is.
    type('!', by('bob'));
    sampler.flush();
    expect(summary().at(-1)).toBe('prompt:bob:from elsewhere!:l9');
  });

  it('leaves out layers the renderer would not draw', () => {
    const { doc, sampler, frames } = sampled();
    doc.transact(() => addLayer(doc, { id: 'bad', src: 'https://elsewhere.example/x.png' }), by('ann'));
    doc.transact(() => addLayer(doc, { id: 'good', src: src(1) }), by('ann'));
    sampler.flush();
    expect(frames.map((f) => f.layers.map((l) => l.id))).toEqual([[], ['good']]);
  });
});
