// The room's live connection: a session, a Y.Doc and the room's provider, on
// one WebSocket (the document, awareness and the room's events, docs/protocol.md
// "The client's document path"). Everything else in the room page hangs off
// the `RoomSetup` this controller publishes while the host is connected, and
// tears down when it goes away. The header's notifications listen on the same
// connection meanwhile (page-connection.ts).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as Y from 'yjs';
import { describeError } from '../api/http.ts';
import { ensureSession, onSessionChange } from '../api/session.ts';
import type { EditRequest, GrantRole } from '../../shared/live.ts';
import type { Job, PublicUser, Role, RoomInfo, WireError } from '../../shared/protocol.ts';
import type { EventSocket } from '../realtime/event-socket.ts';
import { offerPageSocket } from '../realtime/page-connection.ts';
import { RoomProvider } from '../realtime/room-provider.ts';
import type { ProviderStatus } from '../realtime/socketio-provider.ts';

export interface RoomSetup {
  roomId: string;
  doc: Y.Doc;
  provider: RoomProvider;
  /** The room's events: jobs, roles, edit requests, publishing. */
  socket: EventSocket;
  me: PublicUser;
}

export interface RoomConnectionOptions {
  roomId: string;
  invite?: string;
  /** Opened from "Live now": join as a viewer (docs/live.md). */
  watch?: boolean;
}

type SetupListener = (setup: RoomSetup | null) => void;

/** A lighter colour for selection backgrounds: the user's colour at 20 % alpha. */
export function lightColor(color: string): string {
  return `${color}33`;
}

/** Me as the others in the room see me (docs/protocol.md, "Awareness rules"): the handle links to my profile. */
function awarenessUser(me: PublicUser) {
  return { id: me.id, name: me.name, color: me.color, colorLight: lightColor(me.color), ...(me.handle ? { handle: me.handle } : {}) };
}

export class RoomConnection implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: RoomConnectionOptions;
  readonly #listeners = new Set<SetupListener>();
  setup: RoomSetup | null = null;
  status: ProviderStatus = 'connecting';
  role: Role | null = null;
  room: RoomInfo | null = null;
  /** The jobs the join acknowledgement carried (the room's recent and active ones). */
  initialJobs: Job[] = [];
  /** Why the room cannot be shown (refused, unknown, no session). */
  error: WireError | null = null;
  /** Whether the first sync completed (the document is the room's, not empty). */
  loaded = false;
  /** The owner's: viewers who asked to edit, newest last, until answered. */
  editRequests: EditRequest[] = [];
  /** The owner's: who they let edit from here, so they can take it back. */
  granted: PublicUser[] = [];
  #generation = 0;
  #stopSessionWatch: (() => void) | null = null;
  #takeBackPageSocket: (() => void) | null = null;

  constructor(host: ReactiveControllerHost, options: RoomConnectionOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Calls `listener` with the current setup now and on every change. */
  subscribe(listener: SetupListener): () => void {
    this.#listeners.add(listener);
    if (this.setup) listener(this.setup);
    return () => this.#listeners.delete(listener);
  }

  hostConnected(): void {
    const generation = ++this.#generation;
    void ensureSession().then(
      (session) => {
        if (generation === this.#generation) this.#open(session.user, session.token);
      },
      (err: unknown) => {
        if (generation !== this.#generation) return;
        this.error = { code: 'unavailable', message: describeError(err) };
        this.#host.requestUpdate();
      },
    );
  }

  hostDisconnected(): void {
    this.#generation++;
    this.#close();
  }

  #open(me: PublicUser, token: string): void {
    performance.mark('atelier:session-ready');
    const doc = new Y.Doc();
    const invite = { ...(this.#options.invite ? { invite: this.#options.invite } : {}), watch: this.#options.watch ?? false };
    let current = token;
    const provider = new RoomProvider(this.#options.roomId, doc, { baseUrl: location.origin, token: () => current, ...invite });
    const socket = provider.socket;
    provider.awareness.setLocalStateField('user', awarenessUser(me));
    socket.on('room:edit-requested', this.#onEditRequested);
    provider.on('role', (role) => {
      this.role = role;
      provider.awareness.setLocalStateField('watching', role === 'viewer');
      this.#host.requestUpdate();
    });
    provider.on('status', (status) => {
      this.status = status;
      this.#host.requestUpdate();
    });
    provider.on('joined', ({ role, room, jobs }) => {
      this.role = role;
      // Spectators are shown apart from makers (docs/live.md).
      provider.awareness.setLocalStateField('watching', role === 'viewer');
      this.room = room;
      this.initialJobs = jobs;
      this.error = null;
      this.#host.requestUpdate();
    });
    provider.on('synced', () => {
      if (!this.loaded) performance.mark('atelier:room-synced');
      this.loaded = true;
      this.#host.requestUpdate();
    });
    provider.on('error', (error) => {
      // Errors about a refused join stop the room; others are transient.
      if (provider.status === 'refused') this.error = error;
      this.#host.requestUpdate();
    });
    this.#stopSessionWatch = onSessionChange(({ user, token: next }) => {
      current = next;
      provider.awareness.setLocalStateField('user', awarenessUser(user));
      if (this.setup) this.setup = { ...this.setup, me: user };
      this.#host.requestUpdate();
    });
    this.status = provider.status;
    this.setup = { roomId: this.#options.roomId, doc, provider, socket, me };
    this.#takeBackPageSocket = offerPageSocket(socket);
    for (const listener of this.#listeners) listener(this.setup);
    this.#host.requestUpdate();
  }

  #close(): void {
    const setup = this.setup;
    this.#stopSessionWatch?.();
    this.#stopSessionWatch = null;
    if (!setup) return;
    setup.socket.off('room:edit-requested', this.#onEditRequested);
    this.setup = null;
    for (const listener of this.#listeners) listener(null);
    this.#takeBackPageSocket?.();
    this.#takeBackPageSocket = null;
    setup.provider.destroy();
    setup.doc.destroy();
    this.loaded = false;
  }

  /** A viewer asks the owner to edit; null once asked, else why not. */
  requestEdit(): Promise<WireError | null> {
    const setup = this.setup;
    if (!setup?.socket.connected) return Promise.resolve({ code: 'unavailable', message: 'not connected' });
    return new Promise((resolve) => setup.socket.emit('room:request-edit', setup.roomId, (res) => resolve(res.ok ? null : res.error)));
  }

  /** The owner lets someone edit, or takes it back; null once done, else why not. */
  grant(user: PublicUser, role: GrantRole): Promise<WireError | null> {
    const setup = this.setup;
    if (!setup?.socket.connected) return Promise.resolve({ code: 'unavailable', message: 'not connected' });
    return new Promise((resolve) =>
      setup.socket.emit('room:grant', setup.roomId, user.id, role, (res) => {
        if (res.ok) {
          this.editRequests = this.editRequests.filter((r) => r.user.id !== user.id);
          const others = this.granted.filter((u) => u.id !== user.id);
          this.granted = role === 'editor' ? [...others, user] : others;
          this.#host.requestUpdate();
        }
        resolve(res.ok ? null : res.error);
      }),
    );
  }

  dismissRequest(userId: string): void {
    this.editRequests = this.editRequests.filter((r) => r.user.id !== userId);
    this.#host.requestUpdate();
  }

  #onEditRequested = (roomId: string, request: EditRequest): void => {
    if (roomId !== this.#options.roomId) return;
    this.editRequests = [...this.editRequests.filter((r) => r.user.id !== request.user.id), request];
    this.#host.requestUpdate();
  };
}
