// Free text and its search words on the embedded store (docs/social.md,
// "Search"). Never edit one that has shipped: add another, here and in
// ../postgres/migrations-text.ts.
import type { Migration } from './migrations.ts';

/** A work's indexed text as social-001 indexes it, copied so this migration stays as it shipped. */
const WORK_TEXT = (row: string) => `
  ${row}.title, ${row}.description,
  CASE WHEN ${row}.hide_prompt THEN '' ELSE ${row}.prompt END,
  (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(${row}.tags))`;

/**
 * unicode61 splits words at anything outside its categories, by default letters, digits and
 * private-use characters: Devanagari's, Thai's and Tamil's vowel signs and viramas are marks (M*),
 * so 'हिन्दी' was indexed as 'ह', 'न', 'द' and every word sharing a first letter matched a prefix.
 * With M* a letter keeps its marks, as PostgreSQL's parser does; remove_diacritics still folds
 * Latin accents, composed or not.
 */
const TOKENS = `unicode61 remove_diacritics 2 categories 'L* N* Co M*'`;

export const TEXT_MIGRATIONS: readonly Migration[] = [
  {
    // A contentless FTS5 table keeps its tokenizer: both indexes are built again from their rows.
    name: 'text-001-search-words-keep-marks',
    sql: `
      DROP TRIGGER works_fts_insert;
      DROP TRIGGER works_fts_update;
      DROP TRIGGER works_fts_delete;
      DROP TABLE works_fts;
      CREATE VIRTUAL TABLE works_fts USING fts5(
        title, description, prompt, tags,
        content = '', contentless_delete = 1, tokenize = "porter ${TOKENS}", prefix = '2 3'
      );
      CREATE TRIGGER works_fts_insert AFTER INSERT ON works WHEN new.deleted_at IS NULL BEGIN
        INSERT INTO works_fts (rowid, title, description, prompt, tags) VALUES (new.seq, ${WORK_TEXT('new')});
      END;
      CREATE TRIGGER works_fts_update AFTER UPDATE OF title, description, prompt, tags, hide_prompt, deleted_at ON works BEGIN
        DELETE FROM works_fts WHERE rowid = old.seq;
        INSERT INTO works_fts (rowid, title, description, prompt, tags) SELECT new.seq, ${WORK_TEXT('new')} WHERE new.deleted_at IS NULL;
      END;
      CREATE TRIGGER works_fts_delete AFTER DELETE ON works BEGIN
        DELETE FROM works_fts WHERE rowid = old.seq;
      END;
      INSERT INTO works_fts (rowid, title, description, prompt, tags) SELECT w.seq, ${WORK_TEXT('w')} FROM works w WHERE w.deleted_at IS NULL;

      DROP TRIGGER users_fts_insert;
      DROP TRIGGER users_fts_update;
      DROP TRIGGER users_fts_delete;
      DROP TABLE users_fts;
      CREATE VIRTUAL TABLE users_fts USING fts5(
        name, handle, content = '', contentless_delete = 1, tokenize = "${TOKENS}", prefix = '2 3'
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
      INSERT INTO users_fts (rowid, name, handle)
        SELECT k.n, u.name, coalesce(u.handle, '') FROM user_search_keys k JOIN users u ON u.id = k.user_id;
    `,
  },
  {
    // Free text is composed (NFC) where it enters since the shared rule (shared/text.ts keptText);
    // rows stored before are composed here, through the nfc() function the migration's connection
    // registers (database.ts), and the search triggers index the composed words again.
    name: 'text-002-composed-free-text',
    sql: `
      UPDATE users SET name = nfc(name) WHERE name <> nfc(name);
      UPDATE users SET bio = nfc(bio) WHERE bio <> nfc(bio);
      UPDATE rooms SET title = nfc(title) WHERE title <> nfc(title);
      UPDATE works SET title = nfc(title), description = nfc(description), prompt = nfc(prompt)
        WHERE title <> nfc(title) OR description <> nfc(description) OR prompt <> nfc(prompt);
      UPDATE comments SET body = nfc(body) WHERE body <> nfc(body);
      UPDATE reports SET note = nfc(note) WHERE note <> nfc(note);
      UPDATE passkeys SET name = nfc(name) WHERE name <> nfc(name);
      UPDATE identities SET name = nfc(name) WHERE name <> nfc(name);
      -- params: JSON holding the negative prompt; composing its text composes its strings (no
      -- structural character composes with a mark).
      UPDATE jobs SET prompt = nfc(prompt), params = nfc(params) WHERE prompt <> nfc(prompt) OR params <> nfc(params);
    `,
  },
];
