// A Room with an in-memory log and its own turn, recording what it sends: for
// room tests without any transport.
import pino, { type Logger } from 'pino';
import { Listeners } from '../../server/listeners.ts';
import type { ClaimSource } from '../../server/rooms/client-owners.ts';
import type { UpdateOrigin } from '../../server/rooms/origin.ts';
import type { OutgoingUpdate } from '../../server/rooms/outgoing.ts';
import { DocSaver } from '../../server/rooms/persistence/doc-saver.ts';
import { TurnEnd } from '../../server/rooms/persistence/turn-end.ts';
import { IntervalWheel, PRESENCE_INTERVAL_MS } from '../../server/rooms/presence-cadence.ts';
import { Room, type RoomEvents, type RoomLimits } from '../../server/rooms/room.ts';
import type { OutgoingAwareness } from '../../server/rooms/room-presence.ts';
import type { StoredDoc } from '../../server/store/doc-log.ts';
import { MemoryDocLog } from './memory-store.ts';

const silent = pino({ level: 'silent' });

export const TEST_ROOM_LIMITS = { maxDocBytes: 1 << 20, maxAwarenessBytes: 1024, maxParticipantsPerRoom: 3, maxSpectatorsPerRoom: 2 };

const EMPTY: StoredDoc = { update: null, entries: 0, bytes: 0 };

export interface TestRoomOptions {
  /** 'r' unless given. */
  id?: string;
  limits?: RoomLimits;
  /** The test's own: run() ends it on demand, as setImmediate would. */
  turn?: TurnEnd;
  /** Its presence intervals' own (fake timers move it). */
  wheel?: IntervalWheel;
  /** Where it appends; a new empty one unless given. */
  log?: MemoryDocLog;
  /** What it loads with, as read from its log; nothing unless given. */
  stored?: StoredDoc;
  /** Who owns its client ids, as the registry passes them. */
  claims?: ClaimSource;
  /** Listeners of its events besides the recorder's (a spectator feed, a listener that fails). */
  listeners?: readonly RoomEvents[];
  /** Hears the failures of those listeners; silent unless given. */
  logger?: Logger;
}

export function testRoom(options: TestRoomOptions = {}) {
  const {
    id = 'r',
    limits = TEST_ROOM_LIMITS,
    turn = new TurnEnd((err) => {
      throw err;
    }),
    wheel = new IntervalWheel(PRESENCE_INTERVAL_MS),
    log = new MemoryDocLog(),
    stored = EMPTY,
    claims,
    listeners = [],
    logger = silent,
  } = options;
  const seen: Array<{ kind: 'doc'; origin: UpdateOrigin }> = [];
  /** Log entries at the moment each doc update reached an observer. */
  const storedWhenSent: number[] = [];
  const sent: OutgoingUpdate[] = [];
  /** Each turn's presence fan-out. */
  const presence: OutgoingAwareness[] = [];
  const recorder: RoomEvents = {
    docUpdate: (_room, outgoing) => {
      storedWhenSent.push(log.rooms.get(id)?.length ?? 0);
      sent.push(outgoing);
      seen.push({ kind: 'doc', origin: outgoing.origin });
    },
    awarenessUpdate: (_room, outgoing) => presence.push(outgoing),
  };
  const room = new Room(id, stored, {
    limits,
    saver: new DocSaver(id, log, { compactEntries: 1000, compactBytes: 1 << 20 }, stored, logger, undefined, turn),
    events: new Listeners<RoomEvents>(logger, 'rooms', [recorder, ...listeners]),
    logger,
    turn,
    presenceWheel: wheel,
    ...(claims ? { claims } : {}),
  });
  return { room, log, seen, turn, wheel, storedWhenSent, sent, presence };
}
