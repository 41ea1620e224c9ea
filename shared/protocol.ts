// The wire contract shared by server and client: identifiers, error codes, the
// Socket.IO event maps, the Yjs WebSocket framing and the payload schemas that
// every transport checks where data enters (types vanish at run time).
import { z } from 'zod';
import { bioSchema, handleSchema } from './accounts.ts';
import type { Comment, Notification } from './social.ts';
import { TAGS_PER_WORK } from './social.ts';
import { tagSchema } from './social-schemas.ts';

export const PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------
// Errors

export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'too_large',
  'rate_limited',
  'unavailable',
  'internal',
  /** The request collides with the current state: a taken handle, a passkey already registered. */
  'conflict',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
}

/** Every acknowledgement: a success carrying `T`, or a typed error. */
export type Ack<T extends object> = ({ ok: true } & T) | { ok: false; error: WireError };

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
  conflict: 409,
};

/**
 * Close codes of the Yjs WebSocket. 4000 + the HTTP status of the matching
 * error code, so a client can map one to the other.
 */
export const CLOSE_CODES = {
  bad_request: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  not_found: 4404,
  too_large: 4413,
  rate_limited: 4429,
  conflict: 4409,
  internal: 4500,
  unavailable: 4503,
} as const satisfies Record<ErrorCode, number>;

// ---------------------------------------------------------------------------
// Identity, rooms, roles

export const ROLES = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const LINK_ACCESS = ['edit', 'view', 'none'] as const;
export type LinkAccess = (typeof LINK_ACCESS)[number];

export type InviteRole = 'edit' | 'view';

export function canEdit(role: Role): boolean {
  return role === 'owner' || role === 'editor';
}

/**
 * A person wherever one appears. `handle` and `avatarUrl` are present once set;
 * `bio` only where a profile is shown (docs/accounts.md).
 */
export interface PublicUser {
  id: string;
  name: string;
  color: string;
  /** Unique, 3–30 characters `[a-z0-9_]`; the profile is `/u/<handle>`. */
  handle?: string;
  /** At most 300 characters. */
  bio?: string;
  /** A `/media/…` image of this server. */
  avatarUrl?: string;
}

/** The signed-in user as their own session sees them: their public fields and private settings. */
export interface SessionUser extends PublicUser {
  /** Whether their creative signals may be exported (docs/signals.md); off until they turn it on. */
  shareSignals: boolean;
  /** True once they hold a passkey or a linked identity: they can sign in anywhere. False for a guest. */
  account: boolean;
}

export interface RoomInfo {
  id: string;
  title: string;
  ownerId: string;
  linkAccess: LinkAccess;
  createdAt: string;
  remixOf: string | null;
}

/** Invite codes; a link is `/r/:roomId?invite=<code>`. */
export interface Invites {
  edit?: string;
  view: string;
}

/** Room ids are 128 random bits in base64url (22 characters). */
export const roomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a room id');
export const inviteCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not an invite code');
export const userNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((s) => !/\p{Cc}/u.test(s), 'control characters are not allowed');
export const colorSchema = z.string().regex(/^#[0-9a-f]{6}$/i, 'a #rrggbb colour');
export const roomTitleSchema = z.string().trim().min(1).max(120);

export const createSessionBodySchema = z.strictObject({ name: userNameSchema.optional() });
export const updateSessionBodySchema = z.strictObject({
  name: userNameSchema.optional(),
  color: colorSchema.optional(),
  shareSignals: z.boolean().optional(),
  /** Accounts only (docs/accounts.md); taken, reserved or look-alike handles are a `conflict`. */
  handle: handleSchema.optional(),
  bio: bioSchema.optional(),
});
export const createRoomBodySchema = z.strictObject({
  title: roomTitleSchema.optional(),
  linkAccess: z.enum(LINK_ACCESS).optional(),
});
export const updateRoomBodySchema = z
  .strictObject({
    title: roomTitleSchema.optional(),
    linkAccess: z.enum(LINK_ACCESS).optional(),
  })
  .refine((b) => b.title !== undefined || b.linkAccess !== undefined, 'nothing to change');

export interface SessionResponse {
  user: SessionUser;
  token: string;
}
/** `GET` and `PATCH /api/session`. */
export interface SessionUserResponse {
  user: SessionUser;
}
export interface CreateRoomResponse {
  room: RoomInfo;
  invites: Invites;
}
export interface GetRoomResponse {
  room: RoomInfo;
  role: Role;
  invites: Invites;
}

// ---------------------------------------------------------------------------
// Generation jobs (DESIGN.md §5)

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const IMAGE_SIZES = ['256x256', '512x512', '1024x1024', '1024x1536', '1536x1024'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

export const NEGATIVE_PROMPT_MAX = 2000;
export const STEPS_MIN = 1;
export const STEPS_MAX = 150;

export const genParamsSchema = z
  .strictObject({
    prompt: z.string().max(4000).optional(),
    size: z.enum(IMAGE_SIZES).optional(),
    count: z.number().int().min(1).max(4).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    provider: z.string().min(1).max(40).optional(),
    model: z.string().min(1).max(80).optional(),
    editLayerId: z.string().min(1).max(64).optional(),
    maskLayerId: z.string().min(1).max(64).optional(),
    /** What the image should not show; only for providers whose capabilities say `negativePrompt`. */
    negativePrompt: z.string().max(NEGATIVE_PROMPT_MAX).optional(),
    /** Denoising steps; only for providers whose capabilities say `steps`. */
    steps: z.number().int().min(STEPS_MIN).max(STEPS_MAX).optional(),
  })
  .refine((p) => p.maskLayerId === undefined || p.editLayerId !== undefined, {
    message: 'maskLayerId needs editLayerId',
    path: ['maskLayerId'],
  });
export type GenParams = z.infer<typeof genParamsSchema>;

/** Job ids are 128 random bits in base64url, like room ids. */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a job id');

/** `POST /api/rooms/:id/media`: the stored, re-encoded image, ready to place as a layer. */
export interface UploadMediaResponse {
  url: string;
  width: number;
  height: number;
}

export interface JobImage {
  src: string;
  width: number;
  height: number;
  seed: number;
}

/**
 * Stable codes of a failed job (`job.error.code`). Failures found before a job
 * exists (bad params, viewers, limits) are ack errors with an ErrorCode instead.
 */
export const JOB_ERROR_CODES = [
  /** The process running it stopped (crash, restart, shutdown) before it finished. */
  'interrupted',
  /** It ran longer than GEN_TIMEOUT_MS. */
  'timeout',
  /** The provider refused the prompt or an image (moderation, content policy). */
  'content_policy',
  /** The provider refused the request itself (size, model, edit image). */
  'invalid_request',
  /** The provider rejected our credentials (OPENAI_API_KEY). */
  'provider_auth',
  /** The provider kept answering "too many requests" after every retry. */
  'provider_rate_limited',
  /** The provider account has no quota left. */
  'provider_quota',
  /** The provider failed or was unreachable after every retry. */
  'provider_unavailable',
  /** The provider answered something we could not use, or failed inside (e.g. out of GPU memory). */
  'provider_error',
  /** A bug of ours; the logs say more. */
  'internal',
  /** Someone stopped the job at the backend itself (not through Atelier). */
  'provider_cancelled',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export interface JobError {
  code: JobErrorCode;
  message: string;
  /** With `provider_rate_limited`: how long the provider asked us to wait (live updates only; not stored). */
  retryAfterMs?: number;
}

export interface Job {
  id: string;
  roomId: string;
  status: JobStatus;
  progress: number;
  prompt: string;
  params: GenParams;
  requestedBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  previews?: string[];
  results?: JobImage[];
  error?: JobError;
}

// ---------------------------------------------------------------------------
// Image providers (`GET /api/providers`; docs/generation.md)

export interface ProviderCapabilities {
  /** Edits an existing layer (`editLayerId`). */
  edit: boolean;
  /** Confines an edit to a mask (`maskLayerId`). */
  mask: boolean;
  /** Honours `seed`, and reports the seed each image was made with. */
  seed: boolean;
  negativePrompt: boolean;
  steps: boolean;
  /** Sends partial images while it works. */
  previews: boolean;
  /** Cancelling stops the work at the backend, not only in Atelier. */
  cancel: boolean;
  /** Lists its models (`models` is what the backend offers, not a fixed list). */
  models: boolean;
}

export interface ProviderModel {
  id: string;
  label: string;
}

export interface ProviderInfo {
  id: string;
  label: string;
  /** The provider a job gets when it names none. */
  default: boolean;
  models: ProviderModel[];
  /** The model a job of this provider gets when it names none. */
  defaultModel: string;
  capabilities: ProviderCapabilities;
}

export interface ProvidersResponse {
  providers: ProviderInfo[];
}

// ---------------------------------------------------------------------------
// Gallery (DESIGN.md §5, §6; docs/gallery.md)

export const WORK_TITLE_MAX = 120;
export const WORK_DESCRIPTION_MAX = 2000;
export const GALLERY_SORTS = ['new', 'top', 'following'] as const;
export type GallerySort = (typeof GALLERY_SORTS)[number];
export const GALLERY_PAGE_DEFAULT = 24;
export const GALLERY_PAGE_MAX = 100;

/** Work ids are 128 random bits in base64url, like room ids. */
export const workIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a work id');

export const publishWorkBodySchema = z.strictObject({
  title: z.string().trim().min(1).max(WORK_TITLE_MAX),
  description: z.string().trim().max(WORK_DESCRIPTION_MAX).optional(),
  /** With the description's `#tags`, at most TAGS_PER_WORK in all. */
  tags: z.array(tagSchema).max(TAGS_PER_WORK).optional(),
  /** False: nobody may remix it (`forbidden`). Default true. */
  allowRemix: z.boolean().optional(),
  /** True: the prompt is not shown, searchable, remixed or exported. Default false. */
  hidePrompt: z.boolean().optional(),
});
export type PublishWorkBody = z.infer<typeof publishWorkBodySchema>;

/** The work a remix came from; only its id survives once its author deleted it. */
export type WorkLink = { id: string; deleted: false; title: string } | { id: string; deleted: true };

export interface Work {
  id: string;
  title: string;
  description: string;
  /** The full-size PNG, `/media/<sha256>.png`. */
  imageUrl: string;
  /** A WebP no larger than 512 px on its longest side. */
  thumbUrl: string;
  /** The image's dominant colour, `#rrggbb`, to show while the thumbnail loads. */
  placeholder: string;
  width: number;
  height: number;
  prompt: string;
  /** Everyone who changed the prompt or the layers or ran a generation in the room, first contribution first. */
  authors: PublicUser[];
  /** The user who published it: the one who may delete it. */
  publishedBy: string;
  roomId: string;
  /** The work this one was remixed from (its room was made by a remix). */
  remixOf: string | null;
  remixOfWork: WorkLink | null;
  likes: number;
  createdAt: string;
  /** Lower-case tags, given at publish or written as `#tags` in the description. */
  tags: string[];
  /** Whether others may remix it. */
  allowRemix: boolean;
  /** Whether its authors hid the prompt (then `prompt` is ''). */
  hidePrompt: boolean;
  /** Whether the caller likes it; present only when the request was signed in. */
  liked?: boolean;
}

export interface GalleryPage {
  items: Work[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface LikeResponse {
  likes: number;
  liked: boolean;
}

export type PublishAck = Ack<{ work: Work }>;
export type SubscribeAck = Ack<{ subscribed: true }>;

// ---------------------------------------------------------------------------
// Socket.IO (default namespace). Handshake: `auth: {token}`.

export interface JoinOptions {
  invite?: string;
}
export const joinOptionsSchema = z.strictObject({ invite: z.string().max(64).optional() });

export type JoinAck = Ack<{ role: Role; room: RoomInfo; jobs: Job[] }>;

export type GenStartAck = Ack<{ job: Job }>;
export type GenCancelAck = Ack<{ job: Job }>;

export interface ClientToServerEvents {
  'room:join': (roomId: string, options: JoinOptions, ack: (res: JoinAck) => void) => void;
  'gen:start': (roomId: string, params: GenParams, ack: (res: GenStartAck) => void) => void;
  'gen:cancel': (roomId: string, jobId: string, ack: (res: GenCancelAck) => void) => void;
  'room:leave': (roomId: string) => void;
  'yjs:sync': (roomId: string, message: Uint8Array) => void;
  'yjs:awareness': (roomId: string, message: Uint8Array) => void;
  'work:publish': (roomId: string, body: PublishWorkBody, ack: (res: PublishAck) => void) => void;
  'gallery:subscribe': (ack?: (res: SubscribeAck) => void) => void;
  'gallery:unsubscribe': () => void;
  'work:subscribe': (workId: string, ack?: (res: SubscribeAck) => void) => void;
  'work:unsubscribe': (workId: string) => void;
}

export interface ServerToClientEvents {
  'yjs:sync': (roomId: string, message: Uint8Array) => void;
  'yjs:awareness': (roomId: string, message: Uint8Array) => void;
  /** An error about something sent without an acknowledgement (sync, awareness). */
  'room:error': (roomId: string, error: WireError) => void;
  'gen:update': (roomId: string, job: Job) => void;
  'gallery:published': (work: Work) => void;
  'gallery:liked': (like: { id: string; likes: number }) => void;
  'gallery:deleted': (removed: { id: string }) => void;
  /** To a work's subscribers (`work:subscribe`), on every node. */
  'comment:added': (comment: Comment) => void;
  'comment:updated': (comment: Comment) => void;
  'comment:removed': (removed: { id: string; workId: string }) => void;
  /** To every socket of the recipient, on every node, as it is created or grows (a coalesced burst). */
  notification: (notification: Notification) => void;
}

// ---------------------------------------------------------------------------
// Yjs WebSocket (`/yjs/:roomId`): y-websocket's framing, a varuint message type
// followed by the y-protocols payload.

export const YWS_MESSAGE = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const;
