// The social layer's tables for PostgreSQL, name for name with
// ../sqlite/migrations-social.ts. Search is a tsvector per work and per user,
// kept by triggers, with GIN indexes: no search server, no extension.
import type { Migration } from './migrations.ts';

export const SOCIAL_MIGRATIONS: readonly Migration[] = [
  {
    name: 'social-001-schema',
    sql: `
      ALTER TABLE works ADD COLUMN tags JSON NOT NULL DEFAULT '[]';
      ALTER TABLE works ADD COLUMN allow_remix BOOLEAN NOT NULL DEFAULT true;
      ALTER TABLE works ADD COLUMN hide_prompt BOOLEAN NOT NULL DEFAULT false;
      ALTER TABLE works ADD COLUMN hidden_at TIMESTAMPTZ;
      ALTER TABLE rooms ADD COLUMN hidden_at TIMESTAMPTZ;
      -- IF NOT EXISTS: the accounts migration makes the same index.
      CREATE INDEX IF NOT EXISTS work_authors_user ON work_authors (user_id, work_id);
      -- A user hidden (with their works and comments) or suspended by a moderator.
      CREATE TABLE user_moderation (
        user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        hidden_at TIMESTAMPTZ,
        suspended_at TIMESTAMPTZ
      );

      CREATE TABLE work_tags (
        tag TEXT NOT NULL,
        work_seq BIGINT NOT NULL REFERENCES works(seq) ON DELETE CASCADE,
        PRIMARY KEY (tag, work_seq)
      );
      CREATE INDEX work_tags_work ON work_tags (work_seq);

      CREATE TABLE follows (
        seq BIGSERIAL PRIMARY KEY,
        follower_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        followee_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TIMESTAMPTZ NOT NULL,
        UNIQUE (follower_id, followee_id),
        CHECK (follower_id <> followee_id)
      );
      CREATE INDEX follows_follower ON follows (follower_id, seq);
      CREATE INDEX follows_followee ON follows (followee_id, seq);

      CREATE TABLE blocks (
        blocker_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blocked_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      );
      CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);

      CREATE TABLE comments (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
        thread_seq BIGINT NOT NULL,
        author_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        mentions JSON NOT NULL DEFAULT '[]',
        created_at TIMESTAMPTZ NOT NULL,
        edited_at TIMESTAMPTZ,
        hidden_at TIMESTAMPTZ
      );
      CREATE INDEX comments_work ON comments (work_id, thread_seq, seq);
      CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;
      CREATE INDEX comments_author ON comments (author_id);

      CREATE TABLE notifications (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        recipient_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('follow', 'like', 'comment', 'reply', 'mention', 'remix', 'join_request')),
        actor_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        work_id TEXT,
        comment_id TEXT,
        room_id TEXT,
        group_key TEXT,
        others INTEGER NOT NULL DEFAULT 0,
        first_at TIMESTAMPTZ NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        read_at TIMESTAMPTZ
      );
      CREATE INDEX notifications_recipient ON notifications (recipient_id, seq);
      CREATE INDEX notifications_unread ON notifications (recipient_id, seq) WHERE read_at IS NULL;
      CREATE INDEX notifications_group ON notifications (recipient_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL;
      CREATE TABLE notification_actors (
        notification_id TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        PRIMARY KEY (notification_id, actor_id)
      );
      CREATE TABLE notification_mutes (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        PRIMARY KEY (user_id, type)
      );

      CREATE TABLE reports (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        reporter_id TEXT NOT NULL,
        target_type TEXT NOT NULL CHECK (target_type IN ('work', 'comment', 'user', 'room')),
        target_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        note TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'actioned')),
        action TEXT,
        created_at TIMESTAMPTZ NOT NULL,
        resolved_at TIMESTAMPTZ,
        resolved_by TEXT
      );
      CREATE INDEX reports_status ON reports (status, seq);
      CREATE INDEX reports_target ON reports (target_type, target_id) WHERE status = 'open';
      CREATE UNIQUE INDEX reports_open_once ON reports (reporter_id, target_type, target_id) WHERE status = 'open';
      CREATE TABLE moderation_audit (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        moderator_id TEXT NOT NULL,
        action TEXT NOT NULL,
        target_type TEXT NOT NULL,
        target_id TEXT NOT NULL,
        report_id TEXT,
        at TIMESTAMPTZ NOT NULL
      );

      -- A work's words: title and tags weigh most, then the description, then the prompt (unless hidden).
      ALTER TABLE works ADD COLUMN search tsvector;
      CREATE FUNCTION works_search() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.deleted_at IS NOT NULL THEN
          NEW.search := NULL;
        ELSE
          NEW.search :=
            setweight(to_tsvector('english', NEW.title), 'A') ||
            setweight(to_tsvector('english', array_to_string(ARRAY(SELECT json_array_elements_text(NEW.tags)), ' ')), 'A') ||
            setweight(to_tsvector('english', NEW.description), 'B') ||
            setweight(to_tsvector('english', CASE WHEN NEW.hide_prompt THEN '' ELSE NEW.prompt END), 'C');
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER works_search BEFORE INSERT OR UPDATE OF title, description, prompt, tags, hide_prompt, deleted_at
        ON works FOR EACH ROW EXECUTE FUNCTION works_search();
      UPDATE works SET title = title;
      CREATE INDEX works_search ON works USING GIN (search);

      ALTER TABLE users ADD COLUMN search tsvector;
      CREATE FUNCTION users_search() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search := to_tsvector('simple', NEW.name);
        RETURN NEW;
      END $$;
      CREATE TRIGGER users_search BEFORE INSERT OR UPDATE OF name ON users FOR EACH ROW EXECUTE FUNCTION users_search();
      UPDATE users SET name = name;
      CREATE INDEX users_search ON users USING GIN (search);
    `,
  },
];
