// Boots the single-page client: the app shell replaces whatever the server put
// in #app (a loading line, or a work's fallback content).
import { ensureSession } from './api/session.ts';
import './app/atelier-app.ts';
import { parseRoute } from './app/router.ts';
import { openEarly, yjsSocketUrl } from './realtime/early-socket.ts';

const route = parseRoute(new URL(location.href));

// The room page is the heaviest chunk: fetch it alongside the entry's work.
if (route.page === 'room') void import('./room/room-page.ts');

// Every page needs the session: start it while the page's chunk loads. In a
// room, open the room's one connection too, so its handshake and admission
// overlap the chunk's loading (the room's provider takes it over).
void ensureSession().then(
  (session) => {
    if (route.page !== 'room') return;
    const params = { invite: route.invite ?? undefined, watch: route.watch, events: true };
    openEarly(yjsSocketUrl(location.origin, route.roomId, session.token, params));
  },
  () => {
    // Each page asks again and shows the error where it matters.
  },
);

const app = document.getElementById('app');
const shell = document.createElement('atelier-app');
if (app) app.replaceWith(shell);
else document.body.append(shell);
