// Who is here, from the room's awareness: each participant's name, colour,
// whether they are typing and which layer they hold. Also publishes mine.
import type { Awareness } from 'y-protocols/awareness';
import { RoomAttachedController } from './room-attached-controller.ts';
import type { RoomSetup } from './room-connection.ts';

export interface Participant {
  clientId: number;
  id: string;
  name: string;
  color: string;
  /** Their handle, when they have one (their profile's address). */
  handle: string | null;
  typing: boolean;
  layerId: string | null;
  isMe: boolean;
  /** A viewer (a spectator of a listed room, or with a view link): shown apart from the makers. */
  watching: boolean;
}

const TYPING_IDLE_MS = 1500;

function readParticipant(clientId: number, state: Record<string, unknown>, me: number): Participant | null {
  const user = state.user;
  if (typeof user !== 'object' || user === null) return null;
  const { id, name, color, handle } = user as Record<string, unknown>;
  if (typeof name !== 'string' || typeof color !== 'string') return null;
  return {
    clientId,
    id: typeof id === 'string' ? id : String(clientId),
    name: name.slice(0, 40),
    color: /^#[0-9a-f]{6}$/i.test(color) ? color : '#64748b',
    handle: typeof handle === 'string' && /^[a-z0-9_]{3,30}$/.test(handle) ? handle : null,
    typing: state.typing === true,
    layerId: typeof state.layerId === 'string' ? state.layerId : null,
    isMe: clientId === me,
    watching: state.watching === true,
  };
}

export class PresenceController extends RoomAttachedController {
  #awareness: Awareness | null = null;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  participants: Participant[] = [];

  override hostDisconnected(): void {
    clearTimeout(this.#typingTimer);
    super.hostDisconnected();
  }

  /** Marks me as typing until I pause. */
  typed(): void {
    const awareness = this.#awareness;
    if (!awareness) return;
    if (awareness.getLocalState()?.typing !== true) awareness.setLocalStateField('typing', true);
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => awareness.setLocalStateField('typing', false), TYPING_IDLE_MS);
  }

  /** Tells the others which layer I have selected. */
  selectLayer(layerId: string | null): void {
    const awareness = this.#awareness;
    if (awareness && (awareness.getLocalState()?.layerId ?? null) !== layerId) awareness.setLocalStateField('layerId', layerId);
  }

  protected attach(setup: RoomSetup | null): void {
    this.#awareness?.off('change', this.#read);
    this.#awareness = setup?.provider.awareness ?? null;
    this.#awareness?.on('change', this.#read);
    this.#read();
  }

  #read = (): void => {
    const awareness = this.#awareness;
    if (!awareness) {
      this.participants = [];
      this.host.requestUpdate();
      return;
    }
    const list: Participant[] = [];
    const seenUsers = new Set<string>();
    for (const [clientId, state] of awareness.getStates()) {
      const participant = readParticipant(clientId, state, awareness.clientID);
      if (!participant) continue;
      // One person in two tabs shows once (the tab that is typing wins).
      const key = participant.id;
      if (seenUsers.has(key)) {
        const other = list.findIndex((p) => p.id === key);
        const earlier = list[other];
        if (earlier && (participant.isMe || participant.typing)) list[other] = { ...participant, isMe: participant.isMe || earlier.isMe };
        continue;
      }
      seenUsers.add(key);
      list.push(participant);
    }
    list.sort((a, b) => Number(b.isMe) - Number(a.isMe) || a.name.localeCompare(b.name));
    this.participants = list;
    this.host.requestUpdate();
  };
}
