// Stand-ins for the parts of the wire contract (DESIGN.md §5, §6) that the
// gallery branch adds to shared/protocol.ts. They follow the contract's names
// and shapes exactly; when that branch lands, these give way to the shared
// types. (Generation's events and types already come from shared/.)
import type { Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  PublicUser,
  RoomInfo,
  Invites,
  ServerToClientEvents,
} from '../../shared/protocol.ts';

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
  authors: PublicUser[];
  /** The user who published it: the one who may delete it. */
  publishedBy: string;
  roomId: string;
  remixOf: string | null;
  remixOfWork: WorkLink | null;
  likes: number;
  createdAt: string;
  /** Whether the caller likes it; present only when the request was signed in. */
  liked?: boolean;
}

export interface GalleryPage {
  items: Work[];
  nextCursor: string | null;
}

export interface LikeResponse {
  likes: number;
  liked: boolean;
}

export interface RemixResponse {
  room: RoomInfo;
  invites: Invites;
}

export interface PublishRequest {
  title: string;
  description?: string;
}

interface PendingClientEvents {
  'work:publish': (roomId: string, request: PublishRequest, ack: (res: Ack<{ work: Work }>) => void) => void;
  'gallery:subscribe': (ack?: (res: Ack<{ subscribed: true }>) => void) => void;
  'gallery:unsubscribe': () => void;
}

interface PendingServerEvents {
  'gallery:published': (work: Work) => void;
  'gallery:liked': (update: { id: string; likes: number }) => void;
  'gallery:deleted': (removed: { id: string }) => void;
}

export type AppClientEvents = ClientToServerEvents & PendingClientEvents;
export type AppServerEvents = ServerToClientEvents & PendingServerEvents;
export type AppSocket = Socket<AppServerEvents, AppClientEvents>;
