// People and works for the social suites: sessions made over HTTP, works
// stored directly (fast; publishing itself is tested in tests/gallery), and
// sockets that collect what they are sent.
import type { Atelier } from '../../server/atelier.ts';
import type { NewWork } from '../../server/store/gallery.ts';
import type { AtelierClientSocket } from '../../client/realtime/socketio-provider.ts';
import type { SessionResponse, SubscribeAck, Work } from '../../shared/protocol.ts';
import type { Comment, Notification } from '../../shared/social.ts';
import { connectSocket } from '../helpers/clients.ts';
import { api } from '../helpers/server.ts';
import { workToInsert } from '../helpers/work-to-insert.ts';

export interface Person {
  id: string;
  name: string;
  token: string;
}

export async function person(server: Atelier, name: string): Promise<Person> {
  const session: SessionResponse = await api(server.url).session(name);
  return { id: session.user.id, name: session.user.name, token: session.token };
}

/** A work by these people (the first publishes it), stored as publish would, without rendering. */
export async function seedWork(server: Atelier, authors: readonly Person[], fields: Partial<NewWork> = {}): Promise<Work> {
  const publisher = authors[0]!;
  const room = await server.directory.create(publisher.id, { title: 'seed' });
  const record = await server.store.gallery.insertWork(
    workToInsert(
      room.room.id,
      authors.map((a) => a.id),
      fields,
    ),
  );
  server.gallery.withdrawn(null);
  return (await server.gallery.get(record.id, null)) as Work;
}

export interface Listener {
  socket: AtelierClientSocket;
  notifications: Notification[];
  added: Comment[];
  updated: Comment[];
  removed: Array<{ id: string; workId: string }>;
  likes: Array<{ id: string; likes: number }>;
  subscribe(workId: string): Promise<SubscribeAck>;
}

/** A signed-in socket that records notifications and the events of the works it subscribes to. */
export async function listen(url: string, token?: string): Promise<Listener> {
  const socket = connectSocket(url, token);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const listener: Listener = {
    socket,
    notifications: [],
    added: [],
    updated: [],
    removed: [],
    likes: [],
    subscribe: (workId) => new Promise((resolve) => socket.emit('work:subscribe', workId, resolve)),
  };
  socket.on('notification', (n) => listener.notifications.push(n));
  socket.on('comment:added', (c) => listener.added.push(c));
  socket.on('comment:updated', (c) => listener.updated.push(c));
  socket.on('comment:removed', (r) => listener.removed.push(r));
  socket.on('gallery:liked', (l) => listener.likes.push(l));
  return listener;
}
