// Rows of the live store's queries, shaped the same on both backends.

/** (room, blocked user) pairs as room id → the users its owner blocks. */
export function groupBlocked(pairs: Iterable<readonly [string, string]>): Map<string, Set<string>> {
  const byRoom = new Map<string, Set<string>>();
  for (const [roomId, userId] of pairs) {
    const users = byRoom.get(roomId) ?? new Set<string>();
    users.add(userId);
    byRoom.set(roomId, users);
  }
  return byRoom;
}
