// Live rooms' tables for the embedded store (docs/live.md). Never edit one
// that has shipped: add another, here and in ../postgres/migrations-live.ts.
import type { Migration } from './migrations.ts';

export const LIVE_MIGRATIONS: readonly Migration[] = [
  {
    name: 'live-001-listings',
    sql: `
      -- A row while the owner lists the room; it goes with the room.
      CREATE TABLE live_listings (
        room_id TEXT PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
        listed_at TEXT NOT NULL
      );
    `,
  },
  {
    name: 'live-002-role-revocations',
    sql: `
      -- The owner's last revoke of a user's editing in a room, until a grant:
      -- the access sweep tells a revoked editor from one the link makes (stored-role.ts).
      CREATE TABLE role_revocations (
        room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id),
        revoked_at TEXT NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
    `,
  },
];
