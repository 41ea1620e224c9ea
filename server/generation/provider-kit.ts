// Small pieces every HTTP-backed provider needs: the edit image and mask in the
// shape backends take them, downloads of the images they made, a sleep that
// ends with the job, and a type guard for JSON bodies.
import type { Logger } from 'pino';
import { loadSharp } from '../media/sharp.ts';
import type { EditInput, ProviderModel } from './provider.ts';
import { failureOfStatus, ProviderError } from './provider-error.ts';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The edit image as a PNG of the job's size (cropped to fill it). */
export async function editImagePng(edit: EditInput, width: number, height: number): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(edit.image).resize(width, height, { fit: 'cover' }).png().toBuffer();
}

/**
 * The mask as most diffusion backends take it: a grey PNG of the job's size,
 * white where the image is to change. Atelier's masks (OpenAI's convention)
 * are transparent there instead. It is cropped like the image (a mask painted
 * on the layer has the layer's size), so the two stay aligned.
 */
export async function whiteWhereTransparent(mask: Uint8Array, width: number, height: number): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(mask).resize(width, height, { fit: 'cover' }).ensureAlpha().extractChannel(3).negate().toColourspace('b-w').png().toBuffer();
}

export function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** An image a hosted backend left at a URL (no credentials are sent with it). */
export async function download(url: string, signal: AbortSignal, backend: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError('unavailable', `cannot download the image ${backend} made`, { cause: err });
  }
  if (!res.ok) throw new ProviderError(failureOfStatus(res.status), `the image ${backend} made answered ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * The configured models a backend knows: each is looked up; one it refuses as
 * a bad request (it has no such model) is left out with a warning, any other
 * failure is the check's. `unavailable` when none is left.
 */
export async function knownModels(
  ids: readonly string[],
  lookup: (id: string) => Promise<ProviderModel>,
  failure: (err: unknown) => unknown,
  what: { backend: string; setting: string; logger: Logger },
): Promise<ProviderModel[]> {
  const models: ProviderModel[] = [];
  for (const id of ids) {
    try {
      models.push(await lookup(id));
    } catch (err) {
      const mapped = failure(err);
      if (!(mapped instanceof ProviderError) || mapped.failure !== 'bad_request') throw mapped;
      what.logger.warn({ model: id }, `${what.backend} has no such model; it is not offered`);
    }
  }
  if (models.length === 0) throw new ProviderError('unavailable', `none of ${what.setting} exists at ${what.backend}`);
  return models;
}
