// Boots the single-page client: the app shell replaces whatever the server put
// in #app (a loading line, or a work's fallback content).
import { ensureSession } from './api/session.ts';
import './app/atelier-app.ts';
import { acquireSocket, releaseSocket } from './realtime/socket-connection.ts';

const SOCKET_WARM_MS = 10_000;
const inRoom = location.pathname.startsWith('/r/');

// The room page is the heaviest chunk: fetch it alongside the entry's work.
if (inRoom) void import('./room/room-page.ts');

// Every page needs the session; start it while the page's chunk loads, and in a
// room open the socket too, so its handshake overlaps the chunk's loading (the
// room's controller takes the same connection over).
void ensureSession().then(
  (session) => {
    if (!inRoom) return;
    const socket = acquireSocket(session.token);
    setTimeout(() => releaseSocket(socket), SOCKET_WARM_MS);
  },
  () => {
    // Each page asks again and shows the error where it matters.
  },
);

const app = document.getElementById('app');
const shell = document.createElement('atelier-app');
if (app) app.replaceWith(shell);
else document.body.append(shell);
