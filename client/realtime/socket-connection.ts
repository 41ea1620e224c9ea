// One Socket.IO connection per page, shared by every controller that needs it
// and closed when the last one lets go. socket.io-client reconnects by itself.
import { io } from 'socket.io-client';
import { checkSession } from '../api/session.ts';
import type { AtelierClientSocket } from './socketio-provider.ts';

let shared: { socket: AtelierClientSocket; token: string; users: number } | null = null;

export function acquireSocket(token: string): AtelierClientSocket {
  if (shared && shared.token !== token) {
    shared.socket.disconnect();
    shared = null;
  }
  if (!shared) {
    const socket: AtelierClientSocket = io({
      auth: { token },
      transports: ['websocket', 'polling'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    // The server ends a connection whose session was signed out; find out whether that is it.
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') void checkSession();
    });
    socket.on('connect_error', (err) => {
      if ((err as { data?: { code?: string } }).data?.code === 'unauthorized') void checkSession();
    });
    shared = { socket, token, users: 0 };
  }
  shared.users++;
  return shared.socket;
}

export function releaseSocket(socket: AtelierClientSocket): void {
  if (!shared || shared.socket !== socket) return;
  shared.users--;
  if (shared.users > 0) return;
  // Let a route change that acquires it again right away keep the connection.
  const current = shared;
  queueMicrotask(() => {
    if (shared === current && current.users === 0) {
      current.socket.disconnect();
      shared = null;
    }
  });
}
