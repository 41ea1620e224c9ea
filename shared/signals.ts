// The creative-signals dataset (docs/signals.md): one zod schema per record
// type. The server stores records in this shape and an export writes them one
// JSON object per line, so whoever reads an export can check every line with
// `signalLineSchema`. In the store, fields documented as "a user" hold user
// ids and room fields hold room ids; in an export both are keyed-hash pseudonyms.
import { z } from 'zod';
import { BLEND_MODES } from './doc-schema.ts';
import { IMAGE_SIZES, JOB_ERROR_CODES } from './protocol.ts';

/** The `v` of every exported line; bumped when a field changes meaning or disappears. */
export const SIGNALS_FORMAT_VERSION = 1;

export const SIGNAL_TYPES = [
  'prompt_revision',
  'generation',
  'candidate_outcome',
  'publish',
  'like',
  'unlike',
  'remix',
  'preference_pair',
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

const mediaUrl = z.string().regex(/^\/media\/[0-9a-f]{64}\.(png|webp|jpg)$/);
const timestamp = z.iso.datetime();

/** One step of a word-level diff: kept (`=`), removed (`-`) or added (`+`) text. */
export const diffOpSchema = z.tuple([z.enum(['=', '-', '+']), z.string()]);
export type DiffOp = z.infer<typeof diffOpSchema>;

export const promptRevisionDataSchema = z.strictObject({
  jobId: z.string(),
  /** The prompt the job ran with. */
  text: z.string(),
  /** The room's previous revision, or null for its first generation. */
  previous: z.strictObject({ jobId: z.string(), at: timestamp }).nullable(),
  /** From the previous revision's text (empty for the first) to this one. */
  diff: z.array(diffOpSchema),
});

export const GENERATION_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;

export const generationDataSchema = z.strictObject({
  jobId: z.string(),
  status: z.enum(GENERATION_STATUSES),
  provider: z.string(),
  model: z.string(),
  seed: z.number().int(),
  size: z.enum(IMAGE_SIZES),
  count: z.number().int().min(1),
  /** The layer an edit started from and its mask, or null. */
  editLayerId: z.string().nullable(),
  maskLayerId: z.string().nullable(),
  /** From request to start; null when it never started. */
  queuedMs: z.number().int().min(0).nullable(),
  /** From start to finish; null when it never started. */
  durationMs: z.number().int().min(0).nullable(),
  images: z.array(mediaUrl),
  error: z.enum(JOB_ERROR_CODES).nullable(),
});

export const CANDIDATE_OUTCOMES = ['placed', 'discarded', 'left'] as const;
export type CandidateOutcome = (typeof CANDIDATE_OUTCOMES)[number];

export const candidateOutcomeDataSchema = z.strictObject({
  jobId: z.string(),
  candidateId: z.string(),
  src: mediaUrl,
  /** `placed`: became a layer; `discarded`: taken off the tray unplaced; `left`: still on the tray when the room was published. */
  outcome: z.enum(CANDIDATE_OUTCOMES),
  /** The layer it became (`placed`). */
  layerId: z.string().nullable(),
  /** The work published while it was left (`left`). */
  workId: z.string().nullable(),
});

export const publishedLayerSchema = z.strictObject({
  id: z.string(),
  src: mediaUrl,
  /** The generation that made its image, when one did. */
  jobId: z.string().nullable(),
  visible: z.boolean(),
  opacity: z.number(),
  blend: z.enum(BLEND_MODES),
  x: z.number(),
  y: z.number(),
  scale: z.number(),
  rotation: z.number(),
});

export const publishDataSchema = z.strictObject({
  workId: z.string(),
  title: z.string(),
  description: z.string(),
  prompt: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  background: z.string(),
  imageUrl: mediaUrl,
  /** The work this room was remixed from. */
  remixOf: z.string().nullable(),
  /** The whole stack as published, bottom first, hidden layers included. */
  layers: z.array(publishedLayerSchema),
});

export const reactionDataSchema = z.strictObject({ workId: z.string() });

export const remixDataSchema = z.strictObject({
  workId: z.string(),
  /** The room the remix made (a room). */
  remixRoom: z.string(),
});

const pairSideSchema = z.strictObject({
  candidateId: z.string(),
  src: mediaUrl,
  /** Who placed or discarded it (a user). */
  by: z.string(),
  at: timestamp,
});

export const preferencePairDataSchema = z.strictObject({
  jobId: z.string(),
  prompt: z.string(),
  /** Who ran the generation (a user). */
  requestedBy: z.string(),
  kept: pairSideSchema,
  discarded: pairSideSchema,
});

export type PromptRevisionData = z.infer<typeof promptRevisionDataSchema>;
export type GenerationData = z.infer<typeof generationDataSchema>;
export type CandidateOutcomeData = z.infer<typeof candidateOutcomeDataSchema>;
export type PublishedLayer = z.infer<typeof publishedLayerSchema>;
export type PublishData = z.infer<typeof publishDataSchema>;
export type ReactionData = z.infer<typeof reactionDataSchema>;
export type RemixData = z.infer<typeof remixDataSchema>;
export type PreferencePairData = z.infer<typeof preferencePairDataSchema>;

/** A record's type and what it holds. */
export type SignalBody =
  | { type: 'prompt_revision'; data: PromptRevisionData }
  | { type: 'generation'; data: GenerationData }
  | { type: 'candidate_outcome'; data: CandidateOutcomeData }
  | { type: 'publish'; data: PublishData }
  | { type: 'like'; data: ReactionData }
  | { type: 'unlike'; data: ReactionData }
  | { type: 'remix'; data: RemixData }
  | { type: 'preference_pair'; data: PreferencePairData };

const envelope = {
  v: z.literal(SIGNALS_FORMAT_VERSION),
  /** Increasing with the order records were stored; unique within one server's store. */
  seq: z.number().int().positive(),
  at: timestamp,
  /** Who acted (a user); for a pair, whose decision completed it. */
  user: z.string(),
  /** Where (a room): for likes, unlikes and remixes, the room the work was published from. */
  room: z.string(),
};

/** One line of an export. */
export const signalLineSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...envelope, type: z.literal('prompt_revision'), data: promptRevisionDataSchema }),
  z.strictObject({ ...envelope, type: z.literal('generation'), data: generationDataSchema }),
  z.strictObject({ ...envelope, type: z.literal('candidate_outcome'), data: candidateOutcomeDataSchema }),
  z.strictObject({ ...envelope, type: z.literal('publish'), data: publishDataSchema }),
  z.strictObject({ ...envelope, type: z.literal('like'), data: reactionDataSchema }),
  z.strictObject({ ...envelope, type: z.literal('unlike'), data: reactionDataSchema }),
  z.strictObject({ ...envelope, type: z.literal('remix'), data: remixDataSchema }),
  z.strictObject({ ...envelope, type: z.literal('preference_pair'), data: preferencePairDataSchema }),
]);
export type SignalLine = z.infer<typeof signalLineSchema>;
