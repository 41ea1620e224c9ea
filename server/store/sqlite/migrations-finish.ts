// Accounts meet the social layer on the embedded store: people are found by
// their handle as well as their name. Never edit one that has shipped: add
// another, here and in ../postgres/migrations-finish.ts.
import type { Migration } from './migrations.ts';

export const FINISH_MIGRATIONS: readonly Migration[] = [
  {
    // A contentless FTS5 table cannot gain a column: the user index is built again with `handle`
    // beside `name` (the tokenizer splits `ann_paints` into `ann` and `paints`, as a search's words are).
    name: 'finish-001-user-handle-search',
    sql: `
      DROP TRIGGER users_fts_insert;
      DROP TRIGGER users_fts_update;
      DROP TRIGGER users_fts_delete;
      DROP TABLE users_fts;
      CREATE VIRTUAL TABLE users_fts USING fts5(
        name, handle, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );
      CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
        INSERT INTO user_search_keys (user_id) VALUES (new.id);
        INSERT INTO users_fts (rowid, name, handle) SELECT n, new.name, coalesce(new.handle, '') FROM user_search_keys WHERE user_id = new.id;
      END;
      CREATE TRIGGER users_fts_update AFTER UPDATE OF name, handle ON users BEGIN
        DELETE FROM users_fts WHERE rowid = (SELECT n FROM user_search_keys WHERE user_id = old.id);
        INSERT INTO users_fts (rowid, name, handle) SELECT n, new.name, coalesce(new.handle, '') FROM user_search_keys WHERE user_id = new.id;
      END;
      CREATE TRIGGER users_fts_delete BEFORE DELETE ON users BEGIN
        DELETE FROM users_fts WHERE rowid = (SELECT n FROM user_search_keys WHERE user_id = old.id);
      END;
      INSERT INTO user_search_keys (user_id) SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM user_search_keys);
      INSERT INTO users_fts (rowid, name, handle)
        SELECT k.n, u.name, coalesce(u.handle, '') FROM user_search_keys k JOIN users u ON u.id = k.user_id;
    `,
  },
];
