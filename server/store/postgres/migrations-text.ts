// Free text and its search words on PostgreSQL (docs/social.md, "Search").
// Never edit one that has shipped: add another, here and in
// ../sqlite/migrations-text.ts.
import type { Migration } from './migrations.ts';

export const TEXT_MIGRATIONS: readonly Migration[] = [
  {
    // The embedded store's indexes are built again so a letter keeps its marks in a word; PostgreSQL's
    // parser always kept them ('हिन्दी' is one word), so there is nothing to build here. The migration
    // exists so both stores keep one history of named migrations.
    name: 'text-001-search-words-keep-marks',
    sql: `
      SELECT 1;
    `,
  },
];
