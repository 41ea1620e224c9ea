// The preview worker's thread (preview-worker.ts starts it): composites a live
// room's layers into its preview and encodes the WebP here, so that the raw
// pixel buffers of every layer and of the canvas are allocated, and collected,
// on this thread's heap instead of the event loop every room shares.
import { parentPort, workerData } from 'node:worker_threads';
import { loadSharp } from '../media/sharp.ts';
import { Compositor, type CompositorOptions } from '../render/compositor.ts';
import type { PreviewReply, PreviewRequest } from './preview-worker.ts';
import { previewTag, WEBP_QUALITY } from './preview-tag.ts';

if (!parentPort) throw new Error('preview-thread.ts runs as a worker thread (preview-worker.ts starts it)');
const port = parentPort;
const compositor = new Compositor(workerData as CompositorOptions);

port.on('message', (request: PreviewRequest) => {
  draw(request).then(
    (webp) => port.postMessage({ id: request.id, webp } satisfies PreviewReply),
    (err: unknown) => port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) } satisfies PreviewReply),
  );
});

async function draw({ roomId, scene, sources }: PreviewRequest): Promise<Uint8Array> {
  // The event loop read the sources (the media store is its own); only their encoded bytes crossed.
  const pixels = await compositor.flatten(scene, async (src) => sources.get(src) ?? null);
  const sharp = await loadSharp();
  return sharp(pixels, { raw: { width: scene.width, height: scene.height, channels: 3 } })
    .withExif({ IFD0: { ImageDescription: previewTag(roomId) } })
    .webp({ quality: WEBP_QUALITY })
    .toBuffer();
}
