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

export interface Work {
  id: string;
  title: string;
  description: string;
  imageUrl: string;
  thumbUrl: string;
  width: number;
  height: number;
  prompt: string;
  authors: PublicUser[];
  roomId: string;
  remixOf: string | null;
  likes: number;
  createdAt: string;
  /** Whether the caller likes it, when the server says so. */
  liked?: boolean;
  /** A small placeholder: a `#rrggbb` dominant colour or a data: URL. */
  placeholder?: string;
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
  'gallery:subscribe': () => void;
}

interface PendingServerEvents {
  'gallery:published': (work: Work) => void;
  'gallery:liked': (update: { id: string; likes: number }) => void;
}

export type AppClientEvents = ClientToServerEvents & PendingClientEvents;
export type AppServerEvents = ServerToClientEvents & PendingServerEvents;
export type AppSocket = Socket<AppServerEvents, AppClientEvents>;
