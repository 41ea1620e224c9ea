// The page's live connection, for what is not a page's own business (the
// header's notifications): while a room page is open, the room offers its
// event socket here, so the header listens on the room's one connection
// instead of opening Socket.IO beside it. Other pages offer nothing, and the
// header uses the shared Socket.IO connection (socket-connection.ts).
import type { EventSocket } from './event-socket.ts';

type Watcher = (socket: EventSocket | null) => void;

let offered: EventSocket | null = null;
const watchers = new Set<Watcher>();

/** Offers `socket` as the page's connection; the returned function takes it back. */
export function offerPageSocket(socket: EventSocket): () => void {
  offered = socket;
  for (const watcher of [...watchers]) watcher(socket);
  return () => {
    if (offered !== socket) return;
    offered = null;
    for (const watcher of [...watchers]) watcher(null);
  };
}

/** Calls `watcher` with the offered socket (or null) now and on every change. */
export function watchPageSocket(watcher: Watcher): () => void {
  watchers.add(watcher);
  watcher(offered);
  return () => watchers.delete(watcher);
}
