// Named, append-only schema migrations for the embedded store. Never edit one
// that has shipped: add another.

import { FINISH_MIGRATIONS } from './migrations-finish.ts';
import { LIVE_MIGRATIONS } from './migrations-live.ts';
import { GUARD_MIGRATIONS } from './migrations-guard.ts';
import { JOURNAL_MIGRATIONS } from './migrations-journal.ts';
import { SOCIAL_MIGRATIONS } from './migrations-social.ts';
import { TEXT_MIGRATIONS } from './migrations-text.ts';
import { TIMELINE_MIGRATIONS } from './migrations-timeline.ts';

export interface Migration {
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '001-core',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        color TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE rooms (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        owner_id TEXT NOT NULL REFERENCES users(id),
        link_access TEXT NOT NULL CHECK (link_access IN ('edit', 'view', 'none')),
        remix_of TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX rooms_owner ON rooms (owner_id, created_at);
      CREATE TABLE invites (
        code TEXT PRIMARY KEY,
        room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('edit', 'view')),
        created_at TEXT NOT NULL
      );
      CREATE INDEX invites_room ON invites (room_id);
      CREATE TABLE memberships (
        room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id),
        role TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),
        joined_at TEXT NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX memberships_user ON memberships (user_id, joined_at);
      CREATE TABLE doc_updates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id TEXT NOT NULL,
        data BLOB NOT NULL
      );
      CREATE INDEX doc_updates_room ON doc_updates (room_id, seq);
    `,
  },
  {
    name: '002-jobs',
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        requested_by TEXT NOT NULL,
        node_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        progress REAL NOT NULL,
        prompt TEXT NOT NULL,
        params TEXT NOT NULL,
        previews TEXT,
        results TEXT,
        error_code TEXT,
        error_message TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_room ON jobs (room_id, created_at);
      CREATE INDEX jobs_active ON jobs (status, node_id) WHERE status IN ('queued', 'running');
      CREATE INDEX jobs_requester ON jobs (room_id, requested_by, created_at);
    `,
  },
  {
    name: '003-gallery',
    sql: `
      CREATE TABLE room_contributors (
        room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id),
        first_at TEXT NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE TABLE works (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        room_id TEXT NOT NULL,
        remix_of TEXT,
        published_by TEXT NOT NULL REFERENCES users(id),
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        prompt TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        image_url TEXT NOT NULL,
        thumb_url TEXT NOT NULL,
        placeholder TEXT NOT NULL,
        layers TEXT NOT NULL,
        state BLOB,
        likes INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0),
        created_at TEXT NOT NULL,
        deleted_at TEXT
      );
      CREATE INDEX works_top ON works (likes DESC, seq DESC) WHERE deleted_at IS NULL;
      CREATE INDEX works_remixes ON works (remix_of, seq) WHERE remix_of IS NOT NULL;
      CREATE TABLE work_authors (
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id),
        PRIMARY KEY (work_id, position)
      );
      CREATE TABLE work_likes (
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        PRIMARY KEY (work_id, user_id)
      );
      CREATE INDEX work_likes_user ON work_likes (user_id, work_id);
    `,
  },
  {
    name: '004-signals',
    sql: `
      ALTER TABLE users ADD COLUMN share_signals INTEGER NOT NULL DEFAULT 0 CHECK (share_signals IN (0, 1));
      CREATE TABLE signals (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        user_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        job_id TEXT,
        at TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX signals_room ON signals (room_id, type, seq);
      CREATE INDEX signals_job ON signals (job_id, type, seq) WHERE job_id IS NOT NULL;
      CREATE INDEX signals_at ON signals (at);
      -- Everyone a signal is about: it is exported only while all of them share signals.
      CREATE TABLE signal_subjects (
        seq INTEGER NOT NULL REFERENCES signals(seq) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        PRIMARY KEY (seq, user_id)
      );
      CREATE INDEX signal_subjects_user ON signal_subjects (user_id);
    `,
  },
  {
    name: '005-accounts',
    sql: `
      -- handle: as shown (lower case); handle_key: its look-alike skeleton, unique.
      ALTER TABLE users ADD COLUMN handle TEXT;
      ALTER TABLE users ADD COLUMN handle_key TEXT;
      ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
      ALTER TABLE users ADD COLUMN avatar_url TEXT;
      -- When the user first held a passkey or a linked identity; NULL for a guest.
      ALTER TABLE users ADD COLUMN account_at TEXT;
      -- Tokens of the first format issued before this are refused ("sign out everywhere").
      ALTER TABLE users ADD COLUMN sessions_valid_after TEXT;
      ALTER TABLE users ADD COLUMN deleted_at TEXT;
      CREATE UNIQUE INDEX users_handle ON users (handle) WHERE handle IS NOT NULL;
      CREATE UNIQUE INDEX users_handle_key ON users (handle_key) WHERE handle_key IS NOT NULL;
      -- An old handle stays its last owner's for a while (until), so links never jump to a stranger.
      CREATE TABLE handle_holds (
        handle_key TEXT PRIMARY KEY,
        handle TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id),
        until TEXT NOT NULL
      );
      CREATE INDEX handle_holds_handle ON handle_holds (handle);
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        user_agent TEXT NOT NULL DEFAULT '',
        legacy INTEGER NOT NULL DEFAULT 0 CHECK (legacy IN (0, 1)),
        revoked_at TEXT
      );
      CREATE INDEX sessions_user ON sessions (user_id, last_seen_at);
      CREATE INDEX sessions_expiry ON sessions (expires_at);
      CREATE TABLE passkeys (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        public_key BLOB NOT NULL,
        counter INTEGER NOT NULL,
        transports TEXT NOT NULL,
        device_type TEXT NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
        backed_up INTEGER NOT NULL CHECK (backed_up IN (0, 1)),
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT
      );
      CREATE INDEX passkeys_user ON passkeys (user_id, created_at);
      CREATE TABLE identities (
        id TEXT PRIMARY KEY,
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id),
        email TEXT,
        name TEXT,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        UNIQUE (issuer, subject)
      );
      CREATE INDEX identities_user ON identities (user_id, created_at);
      -- IF NOT EXISTS: the social migration makes the same index.
      CREATE INDEX IF NOT EXISTS work_authors_user ON work_authors (user_id, work_id);
    `,
  },
  ...SOCIAL_MIGRATIONS,
  ...FINISH_MIGRATIONS,
  ...TIMELINE_MIGRATIONS,
  ...LIVE_MIGRATIONS,
  ...GUARD_MIGRATIONS,
  ...JOURNAL_MIGRATIONS,
  ...TEXT_MIGRATIONS,
];
