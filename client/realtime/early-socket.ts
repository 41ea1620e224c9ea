// The room's WebSocket, opened as early as the page knows it will need it:
// on a room URL the entry (main.ts) opens it as soon as the session is known,
// while the room page's chunk is still loading, and the Yjs socket provider
// takes it over, with whatever arrived meanwhile, instead of opening a second
// one. Its handshake and the server's admission overlap the chunk's loading.
// No Yjs here: the entry imports this module.

export interface RoomSocketParams {
  invite?: string | undefined;
  /** Watch a listed room (`?watch=1`, docs/live.md). */
  watch?: boolean | undefined;
  /** Carry Atelier's events too (`?events=1`). */
  events?: boolean | undefined;
}

export function yjsSocketUrl(baseUrl: string, roomId: string, token: string, { invite, watch, events }: RoomSocketParams = {}): string {
  const url = new URL(`/yjs/${encodeURIComponent(roomId)}`, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  if (invite) url.searchParams.set('invite', invite);
  if (watch) url.searchParams.set('watch', '1');
  if (events) url.searchParams.set('events', '1');
  return url.href;
}

export interface EarlySocket {
  ws: WebSocket;
  /** What the server sent before the provider took the socket over, in order. */
  received: MessageEvent[];
}

/** Unclaimed this long (the page went elsewhere, or its chunk failed): closed. */
const KEEP_MS = 15_000;

let early: (EarlySocket & { url: string; timer: ReturnType<typeof setTimeout> }) | null = null;

export function openEarly(url: string): void {
  if (early) return;
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const entry = { url, ws, received: [] as MessageEvent[], timer: setTimeout(() => drop(entry), KEEP_MS) };
  ws.onmessage = (event) => entry.received.push(event);
  // Refused or lost before it was claimed: the provider opens its own and hears why.
  ws.onclose = () => drop(entry);
  early = entry;
}

/**
 * How many messages the unclaimed early socket for this URL has heard (0 when there is none). Tests wait on it
 * so that the provider's takeover surely replays them, instead of guessing how long the greeting takes.
 */
export function earlyHeard(url: string): number {
  return early?.url === url ? early.received.length : 0;
}

/** The early socket for exactly this URL, still connecting or open; the caller owns it from here. */
export function claimEarly(url: string): EarlySocket | null {
  const entry = early;
  if (!entry || entry.url !== url) return null;
  early = null;
  clearTimeout(entry.timer);
  entry.ws.onmessage = null;
  entry.ws.onclose = null;
  if (entry.ws.readyState !== WebSocket.OPEN && entry.ws.readyState !== WebSocket.CONNECTING) return null;
  return { ws: entry.ws, received: entry.received };
}

function drop(entry: NonNullable<typeof early>): void {
  if (early !== entry) return;
  early = null;
  clearTimeout(entry.timer);
  entry.ws.onmessage = null;
  entry.ws.onclose = null;
  if (entry.ws.readyState === WebSocket.OPEN || entry.ws.readyState === WebSocket.CONNECTING) entry.ws.close(1000);
}
