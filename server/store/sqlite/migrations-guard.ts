// Who owns each Yjs client id of a room (docs/protocol.md § Document update
// rules). Never edit one that has shipped: add another, here and in
// ../postgres/migrations-guard.ts.
import type { Migration } from './migrations.ts';

export const GUARD_MIGRATIONS: readonly Migration[] = [
  {
    name: 'guard-001-room-clients',
    sql: `
      -- A claim is written in the same commit as the first update that used
      -- the client id. No foreign keys: a deleted account's ids stay taken.
      CREATE TABLE room_clients (
        room_id TEXT NOT NULL,
        client_id INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        claimed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (room_id, client_id)
      ) WITHOUT ROWID;
    `,
  },
];
