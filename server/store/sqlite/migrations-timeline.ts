// The making-of keyframes' table for the embedded store (docs/live.md §
// Making-of). Never edit one that has shipped: add another, here and in
// ../postgres/migrations-timeline.ts.
import type { Migration } from './migrations.ts';

export const TIMELINE_MIGRATIONS: readonly Migration[] = [
  {
    name: 'timeline-001-frames',
    sql: `
      -- No foreign keys on purpose: a deleted account's frames stay, their
      -- actor shown as "deleted user", like its co-authored works.
      CREATE TABLE timeline_frames (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id TEXT NOT NULL,
        at TEXT NOT NULL,
        event TEXT NOT NULL CHECK (event IN ('prompt', 'layer', 'generate', 'place', 'publish')),
        actor_id TEXT,
        prompt TEXT NOT NULL,
        layers TEXT NOT NULL,
        images TEXT NOT NULL DEFAULT '[]',
        work_id TEXT
      );
      CREATE INDEX timeline_frames_room ON timeline_frames (room_id, seq);
      CREATE UNIQUE INDEX timeline_frames_work ON timeline_frames (work_id) WHERE work_id IS NOT NULL;
    `,
  },
];
