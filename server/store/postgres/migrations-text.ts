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
  {
    // Free text is composed (NFC) where it enters since the shared rule (shared/text.ts keptText);
    // rows stored before are composed here, and the search triggers index the composed words again.
    // normalize() needs a UTF-8 database; one in another encoding holds no such text to compose.
    name: 'text-002-composed-free-text',
    sql: `
      DO $$ BEGIN
        IF current_setting('server_encoding') = 'UTF8' THEN
          UPDATE users SET name = normalize(name, NFC) WHERE name IS NOT NFC NORMALIZED;
          UPDATE users SET bio = normalize(bio, NFC) WHERE bio IS NOT NFC NORMALIZED;
          UPDATE rooms SET title = normalize(title, NFC) WHERE title IS NOT NFC NORMALIZED;
          UPDATE works SET title = normalize(title, NFC), description = normalize(description, NFC), prompt = normalize(prompt, NFC)
            WHERE title IS NOT NFC NORMALIZED OR description IS NOT NFC NORMALIZED OR prompt IS NOT NFC NORMALIZED;
          UPDATE comments SET body = normalize(body, NFC) WHERE body IS NOT NFC NORMALIZED;
          UPDATE reports SET note = normalize(note, NFC) WHERE note IS NOT NFC NORMALIZED;
          UPDATE passkeys SET name = normalize(name, NFC) WHERE name IS NOT NFC NORMALIZED;
          UPDATE identities SET name = normalize(name, NFC) WHERE name IS NOT NFC NORMALIZED;
          -- params: JSON holding the negative prompt; composing its text composes its strings.
          UPDATE jobs SET prompt = normalize(prompt, NFC), params = normalize(params::text, NFC)::jsonb
            WHERE prompt IS NOT NFC NORMALIZED OR params::text IS NOT NFC NORMALIZED;
        END IF;
      END $$;
    `,
  },
];
