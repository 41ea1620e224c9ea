// Accounts meet the social layer on PostgreSQL: people are found by their
// handle as well as their name. Never edit one that has shipped: add another,
// here and in ../sqlite/migrations-finish.ts.
import type { Migration } from './migrations.ts';

export const FINISH_MIGRATIONS: readonly Migration[] = [
  {
    // The handle's words weigh more than the name's ('simple' splits `ann_paints` into `ann` and `paints`).
    name: 'finish-001-user-handle-search',
    sql: `
      CREATE OR REPLACE FUNCTION users_search() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search := setweight(to_tsvector('simple', coalesce(NEW.handle, '')), 'A') || setweight(to_tsvector('simple', NEW.name), 'B');
        RETURN NEW;
      END $$;
      DROP TRIGGER users_search ON users;
      CREATE TRIGGER users_search BEFORE INSERT OR UPDATE OF name, handle ON users FOR EACH ROW EXECUTE FUNCTION users_search();
      UPDATE users SET name = name WHERE handle IS NOT NULL;
    `,
  },
];
