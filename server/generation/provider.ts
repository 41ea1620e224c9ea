// What every image provider implements: what it can do, how many jobs it takes
// at once, how to reach it, and how it renders. Failures are ProviderErrors
// (provider-error.ts).
import type { ImageSize, ProviderCapabilities, ProviderModel } from '../../shared/protocol.ts';
import type { MediaExt } from '../media/media-store.ts';

export type { ProviderCapabilities, ProviderModel };

export interface EditInput {
  /** The layer's image, as stored (png, webp or jpg bytes). */
  image: Uint8Array;
  /** Where transparent, the image is to be changed (OpenAI's convention). */
  mask?: Uint8Array;
}

export interface GenerationRequest {
  /** Atelier's job id: providers that name their work (ComfyUI's prompt_id, A1111's task id) derive the name from it. */
  jobId: string;
  prompt: string;
  negativePrompt?: string;
  steps?: number;
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
  /** The seed the backend reports for this image (else the one asked for). */
  seed: number;
}

export type ProviderEvent =
  /** Overall progress of the request, 0–1. */
  | { type: 'progress'; progress: number }
  /** A partial render of image `index`, shown until the final image arrives. */
  | { type: 'preview'; index: number; image: PreviewImage };

/** A partial render as the backend sent it; the runner shrinks and stores it. */
export interface PreviewImage {
  data: Uint8Array;
}

export interface GenerateOptions {
  signal: AbortSignal;
  onProgress(event: ProviderEvent): void;
}

/** What a check found: the backend answers, and offers these models. */
export interface ProviderStatus {
  models: ProviderModel[];
}

export interface ImageProvider {
  /** The id jobs name (`params.provider`). */
  readonly name: string;
  readonly label: string;
  readonly capabilities: ProviderCapabilities;
  /** Jobs of this provider running at once on a node (A1111 runs one at a time). */
  readonly concurrency: number;
  /** The model a job gets when it names none; '' to take the first the backend lists. */
  readonly defaultModel: string;
  /**
   * Asks the backend whether it answers and which models it offers. Rejects
   * with a ProviderError when it cannot be used. Called at start-up and then
   * every GEN_PROVIDER_REFRESH_MS.
   */
  check(signal: AbortSignal): Promise<ProviderStatus>;
  /**
   * Renders `request.count` images. Reports progress and previews as it goes,
   * resolves with the final images, and rejects with ProviderError, or with the
   * signal's reason once the signal aborts (after stopping the backend's work
   * where it can).
   */
  generate(request: GenerationRequest, options: GenerateOptions): Promise<ProviderImage[]>;
  /** Closes connections it keeps open (ComfyUI's WebSocket). */
  close?(): Promise<void>;
}

export function seedFor(seed: number, index: number): number {
  return (seed + index) % 2 ** 31;
}

export function parseSize(size: ImageSize): { width: number; height: number } {
  const [width, height] = size.split('x').map(Number) as [number, number];
  return { width, height };
}
