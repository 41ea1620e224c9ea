// The embedded store's doc journal (../sqlite/migrations-journal.ts) has no
// table here: PostgreSQL's appends do not pay per index page as SQLite's WAL
// does, so its doc log writes doc_updates directly. The migration exists so
// both stores keep one history of named migrations. Never edit one that has
// shipped: add another.
import type { Migration } from './migrations.ts';

export const JOURNAL_MIGRATIONS: readonly Migration[] = [
  {
    name: 'journal-001-doc-journal',
    sql: `
      -- Nothing to create: see the comment above.
      SELECT 1;
    `,
  },
];
