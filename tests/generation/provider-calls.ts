// A provider called directly, as the job runner calls it: the images it made
// and the progress it reported on the way, or what it failed with.
import type { GenerationRequest, ImageProvider, ProviderEvent } from '../../server/generation/provider.ts';

export async function generate(provider: ImageProvider, request: GenerationRequest, signal = new AbortController().signal) {
  const events: ProviderEvent[] = [];
  const images = await provider.generate(request, { signal, onProgress: (e) => events.push(e) });
  return { images, events };
}

/** What the promise rejected with; it is a test failure that it resolved. */
export function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}
