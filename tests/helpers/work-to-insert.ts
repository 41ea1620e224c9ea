// A work as the gallery store takes it (NewWork), for tests that put one
// straight in the store: plain values, which a test overrides where it looks.
import { randomId } from '../../server/ids.ts';
import type { NewWork } from '../../server/store/gallery.ts';

export function workToInsert(roomId: string, authorIds: readonly string[], fields: Partial<NewWork> = {}): NewWork {
  return {
    id: randomId(),
    roomId,
    remixOf: null,
    publishedBy: authorIds[0] ?? '',
    authorIds,
    title: 'A work',
    description: '',
    prompt: 'a prompt',
    width: 64,
    height: 64,
    imageUrl: `/media/${'b'.repeat(64)}.png`,
    thumbUrl: `/media/${'c'.repeat(64)}.webp`,
    placeholder: '#abcdef',
    layers: [],
    state: new Uint8Array([0, 0]),
    createdAt: new Date().toISOString(),
    tags: [],
    allowRemix: true,
    hidePrompt: false,
    ...fields,
  };
}
