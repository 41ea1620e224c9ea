// What a `gen:start` asks for, checked and completed: the provider and model,
// the parameters the provider takes, the prompt (the room's when none is
// given), the layers of an edit, and the request the provider will receive.
import { createHash } from 'node:crypto';
import type * as Y from 'yjs';
import type { GenParams, PublicUser, Role } from '../../shared/protocol.ts';
import { keptText, textProblem } from '../../shared/text.ts';
import { AppError } from '../errors.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { Room } from '../rooms/room.ts';
import type { PromptBlocklist } from './prompt-safety.ts';
import { type EditInput, type GenerationRequest, type ImageProvider, parseSize } from './provider.ts';
import { ProviderError } from './provider-error.ts';
import type { ProviderRegistry } from './provider-registry.ts';
import { layerSrc, roomPrompt } from './room-doc.ts';

export const MAX_PROMPT_LENGTH = 4000;

/** `gen:start` by a participant. */
export interface StartRequest {
  room: Room;
  user: PublicUser;
  role: Role;
  params: GenParams;
}

/** `gen:cancel` by a participant. */
export interface CancelRequest {
  roomId: string;
  role: Role;
  jobId: string;
}

export interface JobRequest {
  provider: ImageProvider;
  prompt: string;
  /** `params` with what the server chose filled in (size, count, seed, provider, model). */
  params: GenParams;
  /** What the provider receives, but for the job's id and the edit's bytes. */
  request: Omit<GenerationRequest, 'jobId' | 'edit'>;
  /** The `/media/…` sources of an edit's layer and mask. */
  edit: { image: string; mask?: string } | undefined;
}

/** Throws AppError (`bad_request`, `forbidden`, `unavailable`) for a request that cannot run. */
export function resolveJobRequest(
  doc: Y.Doc,
  params: GenParams,
  user: PublicUser,
  providers: ProviderRegistry,
  blocklist: PromptBlocklist,
): JobRequest {
  const provider = providers.get(params.provider);
  const model = providers.model(provider, params.model);
  checkCapabilities(provider, params);
  // Shown to the room with the job and published with the work: free text like any other (the room's own prompt too).
  const prompt = keptText(params.prompt ?? roomPrompt(doc));
  if (!prompt) throw new AppError('bad_request', 'the prompt is empty: write one in the room or pass params.prompt');
  if (prompt.length > MAX_PROMPT_LENGTH) throw new AppError('bad_request', `the prompt is longer than ${MAX_PROMPT_LENGTH} characters`);
  const problem = textProblem(prompt, 'lines');
  if (problem) throw new AppError('bad_request', `prompt: ${problem}`);
  const negativePrompt = params.negativePrompt === undefined ? undefined : keptText(params.negativePrompt);
  const negativeProblem = negativePrompt === undefined ? null : textProblem(negativePrompt, 'lines');
  if (negativeProblem) throw new AppError('bad_request', `negativePrompt: ${negativeProblem}`);
  blocklist.check(prompt);
  const edit =
    params.editLayerId === undefined
      ? undefined
      : {
          image: layerSrc(doc, params.editLayerId, 'editLayerId'),
          ...(params.maskLayerId === undefined ? {} : { mask: layerSrc(doc, params.maskLayerId, 'maskLayerId') }),
        };
  const size = params.size ?? '1024x1024';
  const count = params.count ?? 1;
  const seed = params.seed ?? Math.floor(Math.random() * 2 ** 31);
  return {
    provider,
    prompt,
    params: {
      ...params,
      ...(params.prompt === undefined ? {} : { prompt }),
      ...(negativePrompt === undefined ? {} : { negativePrompt }),
      size,
      count,
      seed,
      provider: provider.name,
      model,
    },
    request: {
      prompt,
      ...(negativePrompt ? { negativePrompt } : {}),
      ...(params.steps === undefined ? {} : { steps: params.steps }),
      size,
      ...parseSize(size),
      count,
      seed,
      model,
      // An opaque, stable id for a provider's abuse monitoring: never the user's own id.
      user: createHash('sha256').update(user.id).digest('hex').slice(0, 32),
    },
    edit,
  };
}

/** Negative prompts and steps only where the provider takes them; edits and masks likewise. */
function checkCapabilities(provider: ImageProvider, params: GenParams): void {
  const { capabilities } = provider;
  const refuse = (what: string) => {
    throw new AppError('bad_request', `provider "${provider.name}" does not support ${what}`);
  };
  if (params.negativePrompt !== undefined && params.negativePrompt.trim() !== '' && !capabilities.negativePrompt) refuse('negativePrompt');
  if (params.steps !== undefined && !capabilities.steps) refuse('steps');
  if (params.editLayerId !== undefined && !capabilities.edit) refuse('edits (editLayerId)');
  if (params.maskLayerId !== undefined && !capabilities.mask) refuse('masks (maskLayerId)');
}

/** The bytes of an edit's layer and mask, read when the job runs (a layer may have changed meanwhile). */
export async function readEditLayers(media: MediaStore, edit: { image: string; mask?: string }): Promise<EditInput> {
  const read = async (url: string) => {
    const data = await media.readUrl(url);
    if (!data) throw new ProviderError('bad_request', `the layer image ${url} is missing from the media store`);
    return data;
  };
  const image = await read(edit.image);
  return edit.mask === undefined ? { image } : { image, mask: await read(edit.mask) };
}
