// The doc log's journal for the embedded store (doc-journal.ts). Never edit
// one that has shipped: add another.
import type { Migration } from './migrations.ts';

export const JOURNAL_MIGRATIONS: readonly Migration[] = [
  {
    name: 'journal-001-doc-journal',
    sql: `
      -- Appends land here first, in arrival order, with no index: a commit
      -- touches the table's last page instead of one index page per room.
      -- Moved into doc_updates in batches (doc-journal.ts).
      CREATE TABLE doc_journal (
        seq INTEGER PRIMARY KEY,
        room_id TEXT NOT NULL,
        data BLOB NOT NULL
      );
    `,
  },
];
