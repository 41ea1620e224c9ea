// The making-of keyframes' table for PostgreSQL (docs/live.md § Making-of).
// Never edit one that has shipped: add another, here and in
// ../sqlite/migrations-timeline.ts.
import type { Migration } from './migrations.ts';

export const TIMELINE_MIGRATIONS: readonly Migration[] = [
  {
    name: 'timeline-001-frames',
    sql: `
      -- No foreign keys on purpose: a deleted account's frames stay, their
      -- actor shown as "deleted user", like its co-authored works.
      CREATE TABLE timeline_frames (
        seq BIGSERIAL PRIMARY KEY,
        room_id TEXT NOT NULL,
        at TIMESTAMPTZ NOT NULL,
        event TEXT NOT NULL CHECK (event IN ('prompt', 'layer', 'generate', 'place', 'publish')),
        actor_id TEXT,
        prompt TEXT NOT NULL,
        layers JSON NOT NULL,
        images JSON NOT NULL DEFAULT '[]',
        work_id TEXT
      );
      CREATE INDEX timeline_frames_room ON timeline_frames (room_id, seq);
      CREATE UNIQUE INDEX timeline_frames_work ON timeline_frames (work_id) WHERE work_id IS NOT NULL;
    `,
  },
];
