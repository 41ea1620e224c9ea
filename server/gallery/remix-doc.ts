// The first state of a remix's room: the work's prompt, layer stack and canvas
// exactly as published, in a fresh document (no history, no candidates). A
// hidden prompt stays behind: the remix starts with an empty one, and its
// layers are renamed, since a placed candidate is named after its prompt.
import * as Y from 'yjs';
import { ROOTS, readMeta } from '../../shared/doc-schema.ts';

export function remixState(published: Uint8Array, options: { keepPrompt: boolean } = { keepPrompt: true }): Uint8Array {
  const from = new Y.Doc();
  const to = new Y.Doc();
  try {
    Y.applyUpdate(from, published);
    to.transact(() => {
      // A delta keeps any formatting the prompt carries.
      if (options.keepPrompt) to.getText(ROOTS.prompt).applyDelta(from.getText(ROOTS.prompt).toDelta());
      const layers = from
        .getArray(ROOTS.layers)
        .toArray()
        .map((entry, index) => {
          const layer = new Y.Map<unknown>();
          if (entry instanceof Y.Map) for (const [key, value] of Object.entries(entry.toJSON())) layer.set(key, value);
          if (!options.keepPrompt) layer.set('name', `Layer ${index + 1}`);
          return layer;
        });
      to.getArray<Y.Map<unknown>>(ROOTS.layers).push(layers);
      const { width, height, background } = readMeta(from);
      const meta = to.getMap(ROOTS.meta);
      meta.set('width', width);
      meta.set('height', height);
      meta.set('background', background);
    });
    return Y.encodeStateAsUpdate(to);
  } finally {
    from.destroy();
    to.destroy();
  }
}
