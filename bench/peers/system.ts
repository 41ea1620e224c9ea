// What the peer benchmark needs of each collaboration server: a way to start
// it in its own process (benchmark side) and clients that speak its protocol
// (load-generator side). Every system is driven through this one interface.
import type * as Y from 'yjs';

export const SYSTEM_IDS = ['atelier', 'atelier-client', 'atelier-sio', 'hocuspocus', 'y-socket.io'] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra Node flags for the server process (e.g. --cpu-prof). */
  nodeArgs: string[];
}

/** A room (document) as clients address it; `token` is empty where no auth is needed. */
export interface RoomRef {
  id: string;
  token: string;
}

/** Where clients report the Yjs updates the server delivered to them. */
export interface DeliverySink {
  /** `self` is the receiving client's Yjs client id: its own echoes are not deliveries. */
  record(update: Uint8Array, self: number): void;
}

/**
 * A load client: speaks the raw protocol, sends pre-encoded keystrokes and
 * hands every update it receives to a DeliverySink without applying it. Its
 * promise resolves once the server answered its sync step 1, i.e. the client
 * holds the document.
 */
export interface RawClient {
  /** False once the connection closed or failed. */
  readonly open: boolean;
  sendUpdate(update: Uint8Array): void;
  close(): void;
}

/** A full client: the system's stock provider on a real Y.Doc. */
export interface ObserverConnection {
  destroy(): void;
}

export interface PeerSystem {
  id: SystemId;
  /** Name in tables and charts. */
  label: string;
  /** Server, transport and settings as benchmarked, for the report. */
  setup: string;
  start(options: StartOptions): Promise<RunningServer>;
  /** Rooms `from` … `from + count − 1`, created on the server where it needs that. */
  createRooms(url: string, from: number, count: number): Promise<RoomRef[]>;
  connectRaw(url: string, room: RoomRef, client: number, sink: DeliverySink): Promise<RawClient>;
  /** Resolves once the stock provider reports the document synced. */
  connectObserver(url: string, room: RoomRef, doc: Y.Doc): Promise<ObserverConnection>;
}

/** How long a client may take to connect and sync before it counts as failed. */
export const CONNECT_TIMEOUT_MS = 30_000;

/** Rejects when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
