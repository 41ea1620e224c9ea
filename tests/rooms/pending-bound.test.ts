// Issue 18's finding 4 in the room layer: pending Yjs state (structs waiting
// for origins that never come, deletes of ranges the doc lacks) is bounded by
// MAX_PENDING_BYTES whatever brought it in; participants' updates never leave
// any, since they are checked first.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Room } from '../../server/rooms/room.ts';
import { pendingBytes } from '../../server/rooms/update-check/pending.ts';
import { testRoom, TEST_ROOM_LIMITS } from '../helpers/test-room.ts';
import { buildUpdate, syncUpdateMessage } from '../helpers/yjs-updates.ts';

function makeRoom(maxPendingBytes: number): Room {
  const limits = { ...TEST_ROOM_LIMITS, maxPendingBytes, maxParticipantsPerRoom: 5, maxSpectatorsPerRoom: 5 };
  const { room } = testRoom({ limits });
  room.join('c1', { id: 'u1', name: 'u1', color: '#000000' }, 'editor', 'test');
  return room;
}

/** A struct whose origin never arrives: Yjs keeps it pending. */
const orphan = (client: number, bytes: number) =>
  buildUpdate([{ client, clock: 0, structs: [{ kind: 'string', text: 'p'.repeat(bytes), origin: [client + 1, 5] }] }]);

describe('pending state', () => {
  it('what a relay or the log leaves pending is dropped past MAX_PENDING_BYTES; below it, kept', async () => {
    const room = makeRoom(4096);
    room.applyRemoteUpdate(orphan(100, 1000), 'node-b');
    expect(pendingBytes(room.doc)).toBeGreaterThan(1000);
    room.applyRemoteUpdate(orphan(200, 5000), 'node-b');
    expect(pendingBytes(room.doc)).toBe(0);
    room.applyStoredUpdate(buildUpdate([], [{ client: 300, ranges: [[0, 10_000]] }]));
    expect(pendingBytes(room.doc)).toBeGreaterThan(0);
    room.applyStoredUpdate(orphan(400, 6000));
    expect(pendingBytes(room.doc)).toBe(0);
    // The document itself never changed, and still takes edits.
    expect(room.doc.getText('prompt').toString()).toBe('');
    const honest = new Y.Doc();
    honest.getText('prompt').insert(0, 'fine');
    room.handleSync('c1', syncUpdateMessage(Y.encodeStateAsUpdate(honest)));
    expect(room.doc.getText('prompt').toString()).toBe('fine');
  });

  it("a participant's update that would leave pending state is refused before it applies", () => {
    const room = makeRoom(4096);
    expect(() => room.handleSync('c1', syncUpdateMessage(orphan(500, 100)))).toThrow(/does not exist/);
    expect(pendingBytes(room.doc)).toBe(0);
  });
});
