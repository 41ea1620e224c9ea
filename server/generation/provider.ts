// What every image provider implements, and the one error type it throws.
import type { ImageSize, JobErrorCode } from '../../shared/protocol.ts';
import type { MediaExt } from '../media/media-store.ts';

export interface EditInput {
  /** The layer's image, as stored (png, webp or jpg bytes). */
  image: Uint8Array;
  /** Where transparent, the image is to be changed (OpenAI's convention). */
  mask?: Uint8Array;
}

export interface GenerationRequest {
  prompt: string;
  size: ImageSize;
  width: number;
  height: number;
  count: number;
  /** Image i uses seed + i (mod 2^31); providers that cannot seed just report it. */
  seed: number;
  model: string;
  edit?: EditInput;
  /** An opaque, stable id of the requesting user, for a provider's abuse monitoring. */
  user: string;
}

export interface ProviderImage {
  data: Uint8Array;
  ext: MediaExt;
  width: number;
  height: number;
  seed: number;
}

export type ProviderEvent =
  /** Overall progress of the request, 0–1. */
  | { type: 'progress'; progress: number }
  /** A partial render of image `index`, shown until the final image arrives. */
  | { type: 'preview'; index: number; image: ProviderImage };

export interface GenerateOptions {
  signal: AbortSignal;
  onProgress(event: ProviderEvent): void;
}

export interface ImageProvider {
  readonly name: string;
  readonly defaultModel: string;
  /** Models a job may name; undefined when the provider's own API decides. */
  readonly models: readonly string[] | undefined;
  /**
   * Renders `request.count` images. Reports progress and previews as it goes,
   * resolves with the final images, and rejects with ProviderError, or with the
   * signal's reason once the signal aborts.
   */
  generate(request: GenerationRequest, options: GenerateOptions): Promise<ProviderImage[]>;
}

/** A failure a job reports with a stable code. */
export class ProviderError extends Error {
  readonly code: JobErrorCode;
  constructor(code: JobErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProviderError';
    this.code = code;
  }
}

export function seedFor(seed: number, index: number): number {
  return (seed + index) % 2 ** 31;
}

export function parseSize(size: ImageSize): { width: number; height: number } {
  const [width, height] = size.split('x').map(Number) as [number, number];
  return { width, height };
}
