// A Room with an in-memory log and its own turn, recording what it sends: for
// room tests without any transport.
import pino from 'pino';
import { Listeners } from '../../server/listeners.ts';
import type { UpdateOrigin } from '../../server/rooms/origin.ts';
import type { OutgoingUpdate } from '../../server/rooms/outgoing.ts';
import { DocSaver } from '../../server/rooms/persistence/doc-saver.ts';
import { TurnEnd } from '../../server/rooms/persistence/turn-end.ts';
import { IntervalWheel, PRESENCE_INTERVAL_MS } from '../../server/rooms/presence-cadence.ts';
import { Room, type RoomEvents } from '../../server/rooms/room.ts';
import type { OutgoingAwareness } from '../../server/rooms/room-presence.ts';
import { MemoryDocLog } from './memory-store.ts';

const logger = pino({ level: 'silent' });

export const TEST_ROOM_LIMITS = { maxDocBytes: 1 << 20, maxAwarenessBytes: 1024, maxParticipantsPerRoom: 3, maxSpectatorsPerRoom: 2 };

export function testRoom(
  limits = TEST_ROOM_LIMITS,
  turn = new TurnEnd((err) => {
    throw err;
  }),
  /** Its presence intervals' own (fake timers move it). */
  wheel = new IntervalWheel(PRESENCE_INTERVAL_MS),
) {
  const log = new MemoryDocLog();
  const seen: Array<{ kind: 'doc'; origin: UpdateOrigin }> = [];
  /** Log entries at the moment each doc update reached an observer. */
  const storedWhenSent: number[] = [];
  const sent: OutgoingUpdate[] = [];
  /** Each turn's presence fan-out. */
  const presence: OutgoingAwareness[] = [];
  const room = new Room(
    'r',
    { update: null, entries: 0, bytes: 0 },
    {
      limits,
      saver: new DocSaver('r', log, { compactEntries: 1000, compactBytes: 1 << 20 }, { entries: 0, bytes: 0 }, logger, undefined, turn),
      events: new Listeners<RoomEvents>(logger, 'rooms', [
        {
          docUpdate: (_room, outgoing) => {
            storedWhenSent.push(log.rooms.get('r')?.length ?? 0);
            sent.push(outgoing);
            seen.push({ kind: 'doc', origin: outgoing.origin });
          },
          awarenessUpdate: (_room, outgoing) => presence.push(outgoing),
        },
      ]),
      logger,
      turn,
      presenceWheel: wheel,
    },
  );
  return { room, log, seen, turn, wheel, storedWhenSent, sent, presence };
}
