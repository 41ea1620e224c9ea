// Live rooms (docs/live.md): listed rooms in the gallery, spectating and
// asking to edit. Wire types and the schemas that check them where they enter.
import { z } from 'zod';
import type { Ack, PublicUser, RoomInfo } from './protocol.ts';

export const LIVE_PAGE_DEFAULT = 24;
export const LIVE_PAGE_MAX = 50;
/** Past this many spectators a room shows their number rather than each of them. */
export const SPECTATORS_SHOWN = 20;

/** One listed room with someone in it, as `GET /api/live` and `live:update` show it. */
export interface LiveItem {
  room: RoomInfo;
  /** Its makers (owner and editors) present now, on any node, each once. */
  participants: PublicUser[];
  /** People watching now (viewers, each once however many connections), on any node. */
  spectators: number;
  /** A composite of the canvas at most a few seconds old (`LIVE_PREVIEW_MS`); null until the first one is made. */
  previewUrl: string | null;
  /** When its document last changed: the order of the list, most recent first. */
  updatedAt: string;
}

export interface LivePage {
  items: LiveItem[];
  nextCursor: string | null;
  /**
   * Present while this node cannot reach the other nodes' board (scaled mode,
   * Redis away): the items are the board as it last knew it, its own rooms current.
   */
  stale?: true;
}

export const liveQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(LIVE_PAGE_MAX).default(LIVE_PAGE_DEFAULT),
});

/** What `room:grant` may make someone: an editor, or a viewer again (revoking). */
export const GRANT_ROLES = ['editor', 'viewer'] as const;
export type GrantRole = (typeof GRANT_ROLES)[number];
export const grantArgsSchema = z.tuple([z.string().max(64), z.string().max(64), z.enum(GRANT_ROLES)]);

export type RequestEditAck = Ack<{ requested: true }>;
export type GrantAck = Ack<{ userId: string; role: GrantRole }>;
export type LiveSubscribeAck = Ack<{ subscribed: true }>;

/** `room:edit-requested`: to the owner's sockets in the room, on every node. */
export interface EditRequest {
  user: PublicUser;
  at: string;
}

/** `room:role`: to a participant whose role the owner just changed, on every node. */
export interface RoleChange {
  role: GrantRole;
}
