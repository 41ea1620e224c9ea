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
];
