// Live rooms in tests: a socket that joins and records what the server says.
import type { LiveItem, LivePage } from '../../shared/live.ts';
import type { JoinAck, JoinOptions, WireError } from '../../shared/protocol.ts';
import type { AtelierClientSocket } from '../../client/realtime/socketio-provider.ts';
import { connectSocket } from '../helpers/clients.ts';
import type { Atelier } from '../../server/atelier.ts';
import { type Api, waitFor } from '../helpers/server.ts';

export interface Heard {
  socket: AtelierClientSocket;
  errors: Array<{ roomId: string; error: WireError }>;
  evicted: Array<{ roomId: string; error: WireError }>;
  roles: string[];
  requests: string[];
  updates: LiveItem[];
  ended: string[];
}

/** A socket recording room errors, role changes, edit requests and live events. */
export function listeningSocket(url: string, token: string): Heard {
  const socket = connectSocket(url, token);
  const heard: Heard = { socket, errors: [], evicted: [], roles: [], requests: [], updates: [], ended: [] };
  socket.on('room:error', (roomId, error) => heard.errors.push({ roomId, error }));
  socket.on('room:evicted', (roomId, error) => heard.evicted.push({ roomId, error }));
  socket.on('room:role', (_roomId, change) => heard.roles.push(change.role));
  socket.on('room:edit-requested', (_roomId, request) => heard.requests.push(request.user.id));
  socket.on('live:update', (item) => heard.updates.push(item));
  socket.on('live:ended', ({ roomId }) => heard.ended.push(roomId));
  return heard;
}

export function joinRoom(socket: AtelierClientSocket, roomId: string, options: JoinOptions = {}): Promise<JoinAck> {
  return new Promise((resolve) => socket.emit('room:join', roomId, options, resolve));
}

export async function livePage(http: Api, token?: string): Promise<LivePage> {
  return http.json<LivePage>('GET', '/api/live', token === undefined ? {} : { token });
}

/** Ticks until the board holds a preview of the room not seen before; its URL. */
export async function nextPreview(server: Atelier, roomId: string, seen: Set<string>): Promise<string> {
  let url = '';
  await waitFor(
    async () => {
      await server.live.rooms.tick();
      await server.live.rooms.idle();
      const preview = await server.live.board.preview(roomId);
      if (!preview || seen.has(preview.url)) return false;
      url = preview.url;
      return true;
    },
    10_000,
    'a new preview',
  );
  seen.add(url);
  return url;
}
