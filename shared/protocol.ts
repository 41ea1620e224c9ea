// The wire contract shared by server and client: identifiers, error codes, the
// Socket.IO event maps, the Yjs WebSocket framing and the payload schemas that
// every transport checks where data enters (types vanish at run time).
import { z } from 'zod';
import { bioSchema, handleSchema } from './accounts.ts';
import { ROOM_TITLE_MAX } from './doc-schema.ts';
import type { PublishAck, PublishWorkBody, SubscribeAck, Work } from './gallery-wire.ts';
import type { GenParams, Job } from './jobs.ts';
import type { EditRequest, GrantAck, GrantRole, LiveItem, LiveSubscribeAck, RequestEditAck, RoleChange } from './live.ts';
import type { Comment, Notification } from './social.ts';
import { textSchema } from './text.ts';

// Generation and gallery wire types live in their own files (one area each);
// they are re-exported here so that every import of the protocol keeps working.
export * from './gallery-wire.ts';
export * from './jobs.ts';

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
  /** An HTTP body of a type the route does not take (a JSON route sent text/plain). */
  'unsupported_media_type',
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
  unsupported_media_type: 415,
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
  unsupported_media_type: 4415,
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
export const userNameSchema = textSchema({ lines: 'line', min: 1, max: 40 });
export const colorSchema = z.string().regex(/^#[0-9a-f]{6}$/i, 'a #rrggbb colour');
export const roomTitleSchema = textSchema({ lines: 'line', min: 1, max: ROOM_TITLE_MAX });

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
    /** Shown in "Live now" and open to watch by anyone (docs/live.md). */
    listed: z.boolean().optional(),
  })
  .refine((b) => b.title !== undefined || b.linkAccess !== undefined || b.listed !== undefined, 'nothing to change');

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
  /** Whether the owner listed it in "Live now" (docs/live.md). */
  listed: boolean;
}

// ---------------------------------------------------------------------------
// Socket.IO (default namespace). Handshake: `auth: {token}`.

export interface JoinOptions {
  invite?: string;
  watch?: boolean;
  /**
   * false: this socket gets the room's events (jobs) but not its document:
   * no `yjs:sync` / `yjs:awareness` for the room (Atelier's client carries them
   * on the Yjs WebSocket, docs/protocol.md). Default true.
   */
  yjs?: boolean;
}
export const joinOptionsSchema = z.strictObject({
  invite: z.string().max(64).optional(),
  /** Join a listed room to watch: as a viewer unless an invite or a membership says more (docs/live.md). */
  watch: z.boolean().optional(),
  yjs: z.boolean().optional(),
});

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
  /** Live rooms (docs/live.md). */
  'live:subscribe': (ack?: (res: LiveSubscribeAck) => void) => void;
  'live:unsubscribe': () => void;
  'room:request-edit': (roomId: string, ack: (res: RequestEditAck) => void) => void;
  'room:grant': (roomId: string, userId: string, role: GrantRole, ack: (res: GrantAck) => void) => void;
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
  /** Live rooms (docs/live.md), to `live:subscribe`rs on every node. */
  'live:update': (item: LiveItem) => void;
  'live:ended': (ended: { roomId: string }) => void;
  /** To the room's owner, on every node: a viewer asks to edit. */
  'room:edit-requested': (roomId: string, request: EditRequest) => void;
  /** This connection was let go of the room (unlisted, closed, deleted); rejoining says whether it may come back. */
  'room:evicted': (roomId: string, error: WireError) => void;
  /** To the participant whose role the owner changed, on every node. */
  'room:role': (roomId: string, change: RoleChange) => void;
}

// ---------------------------------------------------------------------------
// Yjs WebSocket (`/yjs/:roomId`): y-websocket's framing, a varuint message type
// followed by the y-protocols payload.

export const YWS_MESSAGE = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** Atelier's events on the same socket, for a client that opted in with `?events=1` (shared/yws-events.ts). */
  event: 20,
  /** The answer to an acknowledged event, server to client only. */
  ack: 21,
} as const;
