// Live rooms' tables for PostgreSQL, name for name with ../sqlite/migrations-live.ts.
import type { Migration } from './migrations.ts';

export const LIVE_MIGRATIONS: readonly Migration[] = [
  {
    name: 'live-001-listings',
    sql: `
      CREATE TABLE live_listings (
        room_id TEXT PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
        listed_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    name: 'live-002-role-revocations',
    sql: `
      CREATE TABLE role_revocations (
        room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id),
        revoked_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
    `,
  },
];
