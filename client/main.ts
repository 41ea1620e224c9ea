// Boots the single-page client: the app shell replaces whatever the server put
// in #app (a loading line, or a work's fallback content).
import { ensureSession } from './api/session.ts';
import './app/atelier-app.ts';

// The room page is the heaviest chunk: fetch it alongside the entry's work.
if (location.pathname.startsWith('/r/')) void import('./room/room-page.ts');

// Every page needs the session: start it while the page's chunk loads. (A room
// page's one connection, its document WebSocket, opens once its chunk is here.)
void ensureSession().catch(() => {
  // Each page asks again and shows the error where it matters.
});

const app = document.getElementById('app');
const shell = document.createElement('atelier-app');
if (app) app.replaceWith(shell);
else document.body.append(shell);
