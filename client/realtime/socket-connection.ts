// One Socket.IO connection per page, shared by every controller that needs it
// and closed when the last one lets go. socket.io-client reconnects by itself.
import { io } from 'socket.io-client';
import type { AppSocket } from './pending-protocol.ts';

let shared: { socket: AppSocket; token: string; users: number } | null = null;

export function acquireSocket(token: string): AppSocket {
  if (shared && shared.token !== token) {
    shared.socket.disconnect();
    shared = null;
  }
  if (!shared) {
    const socket: AppSocket = io({
      auth: { token },
      transports: ['websocket', 'polling'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    shared = { socket, token, users: 0 };
  }
  shared.users++;
  return shared.socket;
}

export function releaseSocket(socket: AppSocket): void {
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
