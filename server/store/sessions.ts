// Server-side sessions: the record a token names. One implementation per
// backend; tests/store/sessions.contract.ts is the suite each must pass.
import type { UserRecord } from './records.ts';

/**
 * How long a token of the first format (`v1.…`) is valid after it was issued.
 * A revoked session migrated from one is remembered at least this long, so the
 * old token cannot bring it back.
 */
export const LEGACY_TOKEN_MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  /** Sliding: pushed forward whenever the session is seen. */
  expiresAt: string;
  userAgent: string;
  /** Migrated from a token of the first format (docs/accounts.md, "Upgrading"). */
  legacy: boolean;
}

/** A session that works: not revoked, not expired, its user neither deleted nor suspended. */
export interface ActiveSession {
  session: SessionRecord;
  user: UserRecord;
}

export interface LegacySession {
  /** Derived from the old token, so presenting it again finds this record. */
  id: string;
  userId: string;
  /** The old token's issue time: the session counts as created then. */
  issuedAt: string;
  seenAt: string;
  expiresAt: string;
  userAgent: string;
}

export interface SessionStore {
  /**
   * Records a new session. When the user then holds more than `maxPerUser`
   * working sessions, the least recently seen are revoked; their ids are returned.
   */
  createSession(session: SessionRecord, maxPerUser: number): Promise<string[]>;
  /**
   * Records a session for a token of the first format unless its id is known
   * already (revoked or not), its user is deleted, or the user signed out
   * everywhere after the token was issued.
   */
  migrateLegacySession(session: LegacySession): Promise<void>;
  /** The session and its user when the session works at `now`; null otherwise. */
  activeSession(id: string, now: string): Promise<ActiveSession | null>;
  /** Which of these sessions still work at `now` (a sweep over open connections). */
  workingSessions(ids: readonly string[], now: string): Promise<Set<string>>;
  /** Moves last seen (and the sliding expiry) forward; records the user agent when given. */
  touchSession(id: string, seenAt: string, expiresAt: string, userAgent?: string): Promise<void>;
  /** The user's working sessions, most recently seen first. */
  listSessions(userId: string, now: string): Promise<SessionRecord[]>;
  /** Revokes one of the user's sessions; false when they have no such working session. */
  revokeSession(userId: string, id: string, at: string): Promise<boolean>;
  /**
   * Revokes every working session of the user but `exceptId`; without an
   * exception, tokens of the first format issued before `at` stop working too.
   * Returns the revoked ids.
   */
  revokeUserSessions(userId: string, at: string, exceptId?: string): Promise<string[]>;
  /** Forgets sessions that expired before `now`; returns how many. */
  pruneSessions(now: string): Promise<number>;
}
