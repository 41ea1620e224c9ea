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
];
