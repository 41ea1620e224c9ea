// The social layer's tables for the embedded store (docs/social.md). Never
// edit one that has shipped: add another, here and in ../postgres/migrations-social.ts.
import type { Migration } from './migrations.ts';

/** A work's indexed text: the prompt only when it is not hidden, tags as words. */
const WORK_TEXT = (row: string) => `
  ${row}.title, ${row}.description,
  CASE WHEN ${row}.hide_prompt THEN '' ELSE ${row}.prompt END,
  (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(${row}.tags))`;

export const SOCIAL_MIGRATIONS: readonly Migration[] = [
  {
    name: 'social-001-schema',
    sql: `
      ALTER TABLE works ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE works ADD COLUMN allow_remix INTEGER NOT NULL DEFAULT 1 CHECK (allow_remix IN (0, 1));
      ALTER TABLE works ADD COLUMN hide_prompt INTEGER NOT NULL DEFAULT 0 CHECK (hide_prompt IN (0, 1));
      -- Moderation: hidden (or removed, with deleted_at) works and comments; closed rooms.
      ALTER TABLE works ADD COLUMN hidden_at TEXT;
      ALTER TABLE rooms ADD COLUMN hidden_at TEXT;
      -- IF NOT EXISTS: the accounts migration makes the same index.
      CREATE INDEX IF NOT EXISTS work_authors_user ON work_authors (user_id, work_id);
      -- A user hidden (with their works and comments) or suspended by a moderator.
      CREATE TABLE user_moderation (
        user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        hidden_at TEXT,
        suspended_at TEXT
      );

      CREATE TABLE work_tags (
        tag TEXT NOT NULL,
        work_seq INTEGER NOT NULL REFERENCES works(seq) ON DELETE CASCADE,
        PRIMARY KEY (tag, work_seq)
      ) WITHOUT ROWID;
      CREATE INDEX work_tags_work ON work_tags (work_seq);

      CREATE TABLE follows (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        follower_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        followee_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        UNIQUE (follower_id, followee_id),
        CHECK (follower_id <> followee_id)
      );
      CREATE INDEX follows_follower ON follows (follower_id, seq);
      CREATE INDEX follows_followee ON follows (followee_id, seq);

      CREATE TABLE blocks (
        blocker_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blocked_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      ) WITHOUT ROWID;
      CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);

      -- thread_seq: the top-level comment's seq, so a work's comments read in (thread_seq, seq) order are threaded.
      CREATE TABLE comments (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
        thread_seq INTEGER NOT NULL,
        author_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        mentions TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        edited_at TEXT,
        hidden_at TEXT
      );
      CREATE INDEX comments_work ON comments (work_id, thread_seq, seq);
      CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;
      CREATE INDEX comments_author ON comments (author_id);

      -- A coalesced burst is one row; it is re-inserted (same id, new seq) when it grows, so it moves to the top.
      CREATE TABLE notifications (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        recipient_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('follow', 'like', 'comment', 'reply', 'mention', 'remix', 'join_request')),
        actor_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        work_id TEXT,
        comment_id TEXT,
        room_id TEXT,
        group_key TEXT,
        others INTEGER NOT NULL DEFAULT 0,
        first_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        read_at TEXT
      );
      CREATE INDEX notifications_recipient ON notifications (recipient_id, seq);
      CREATE INDEX notifications_unread ON notifications (recipient_id, seq) WHERE read_at IS NULL;
      CREATE INDEX notifications_group ON notifications (recipient_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL;
      CREATE TABLE notification_actors (
        notification_id TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        PRIMARY KEY (notification_id, actor_id)
      ) WITHOUT ROWID;
      CREATE TABLE notification_mutes (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        PRIMARY KEY (user_id, type)
      ) WITHOUT ROWID;

      CREATE TABLE reports (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        reporter_id TEXT NOT NULL,
        target_type TEXT NOT NULL CHECK (target_type IN ('work', 'comment', 'user', 'room')),
        target_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        note TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'actioned')),
        action TEXT,
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        resolved_by TEXT
      );
      CREATE INDEX reports_status ON reports (status, seq);
      CREATE INDEX reports_target ON reports (target_type, target_id) WHERE status = 'open';
      CREATE UNIQUE INDEX reports_open_once ON reports (reporter_id, target_type, target_id) WHERE status = 'open';
      CREATE TABLE moderation_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        moderator_id TEXT NOT NULL,
        action TEXT NOT NULL,
        target_type TEXT NOT NULL,
        target_id TEXT NOT NULL,
        report_id TEXT,
        at TEXT NOT NULL
      );

      -- Search: contentless FTS5 indexes kept by triggers; a work's rowid is its seq.
      CREATE VIRTUAL TABLE works_fts USING fts5(
        title, description, prompt, tags,
        content = '', contentless_delete = 1, tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3'
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

      -- users' own rowids may change (VACUUM): the index keys them by a number of its own.
      CREATE TABLE user_search_keys (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE
      );
      CREATE VIRTUAL TABLE users_fts USING fts5(
        name, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );
      CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
        INSERT INTO user_search_keys (user_id) VALUES (new.id);
        INSERT INTO users_fts (rowid, name) SELECT n, new.name FROM user_search_keys WHERE user_id = new.id;
      END;
      CREATE TRIGGER users_fts_update AFTER UPDATE OF name ON users BEGIN
        DELETE FROM users_fts WHERE rowid = (SELECT n FROM user_search_keys WHERE user_id = old.id);
        INSERT INTO users_fts (rowid, name) SELECT n, new.name FROM user_search_keys WHERE user_id = new.id;
      END;
      CREATE TRIGGER users_fts_delete BEFORE DELETE ON users BEGIN
        DELETE FROM users_fts WHERE rowid = (SELECT n FROM user_search_keys WHERE user_id = old.id);
      END;
      INSERT INTO user_search_keys (user_id) SELECT id FROM users;
      INSERT INTO users_fts (rowid, name) SELECT k.n, u.name FROM user_search_keys k JOIN users u ON u.id = k.user_id;
    `,
  },
];
