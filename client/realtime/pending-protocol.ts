// Stand-ins for the parts of the wire contract (DESIGN.md §5, §6) that the
// generation and gallery branches add to shared/protocol.ts. They follow the
// contract's names and shapes exactly; when those branches land, these
// re-export or give way to the shared types.
import type { Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  GenParams,
  Job,
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

export interface UploadResponse {
  url: string;
  width: number;
  height: number;
}

export interface PublishRequest {
  title: string;
  description?: string;
}

interface PendingClientEvents {
  'gen:start': (roomId: string, params: GenParams, ack: (res: Ack<{ job: Job }>) => void) => void;
  'gen:cancel': (roomId: string, jobId: string, ack: (res: Ack<object>) => void) => void;
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
