// The social layer's records: follows and blocks, comments, notifications,
// reports and moderation. One implementation per backend;
// tests/social/social-store-contract.ts is the suite every one must pass.
import type { PublicUser } from '../../shared/protocol.ts';
import type {
  ModerationAction,
  NotificationType,
  ReportReason,
  ReportStatus,
  ReportTarget,
  ReportTargetType,
} from '../../shared/social.ts';

/** A page position: the `seq` of the last row served; rows strictly before (or after) it come next. */
export interface SeqPage {
  limit: number;
  /** Rows with a seq below this one; the first page when absent. */
  before?: number;
}

export interface Listed<T> {
  seq: number;
  value: T;
}

export interface FollowCounts {
  followers: number;
  following: number;
}

export interface GraphStore {
  /** False when they already followed. */
  follow(followerId: string, followeeId: string, at: string): Promise<boolean>;
  /** False when they did not follow. */
  unfollow(followerId: string, followeeId: string): Promise<boolean>;
  counts(userId: string): Promise<FollowCounts>;
  /** Who follows the user, latest follow first. */
  followers(userId: string, page: SeqPage): Promise<Array<Listed<PublicUser>>>;
  /** Whom the user follows, latest follow first. */
  following(userId: string, page: SeqPage): Promise<Array<Listed<PublicUser>>>;
  /** Which of these users `userId` follows. */
  followsAmong(userId: string, others: readonly string[]): Promise<Set<string>>;

  /** Blocks, and ends any follow between the two either way, in one transaction. False when already blocked. */
  block(blockerId: string, blockedId: string, at: string): Promise<boolean>;
  unblock(blockerId: string, blockedId: string): Promise<boolean>;
  /** Of these users, those who block `userId`. */
  blockersAmong(userId: string, others: readonly string[]): Promise<Set<string>>;
  /** Of these users, those `userId` blocks. */
  blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>>;
  /** Everyone who blocks `userId` (to keep their comments off the blockers' screens). */
  blockersOf(userId: string): Promise<string[]>;
  /** Everyone on either side of a block with `userId`, once each (to keep their "Live now" rooms apart). */
  blockedEitherWay(userId: string): Promise<string[]>;
  /** Whether the user blocks anyone at all (most do not: their feeds need no filter). */
  blocksAnyone(userId: string): Promise<boolean>;
  isBlocking(blockerId: string, blockedId: string): Promise<boolean>;

  /** Users whose name (or handle) has words starting with every term, leaving out hidden users and those the viewer blocks. */
  searchUsers(terms: readonly string[], viewer: string | null, page: { limit: number; offset: number }): Promise<PublicUser[]>;
}

export interface NewComment {
  id: string;
  workId: string;
  /** A top-level comment's id, or null. */
  parentId: string | null;
  authorId: string;
  body: string;
  mentionIds: readonly string[];
  createdAt: string;
}

export interface CommentRecord {
  id: string;
  workId: string;
  parentId: string | null;
  author: PublicUser;
  body: string;
  mentions: PublicUser[];
  createdAt: string;
  editedAt: string | null;
  /** Hidden by a moderator, or its author is. */
  hidden: boolean;
  /** Position in the work's thread order: (thread, seq), thread being the top-level comment's seq. */
  thread: number;
  seq: number;
}

export interface CommentListQuery {
  limit: number;
  /** Strictly after this (thread, seq). */
  after?: { thread: number; seq: number };
  /** Leaves out comments by users this viewer blocks. */
  viewer: string | null;
}

export interface CommentStore {
  /** Null when the parent (if any) is not a comment of the same work. */
  insert(comment: NewComment): Promise<CommentRecord | null>;
  get(id: string): Promise<CommentRecord | null>;
  /** Visible comments (neither they nor their authors hidden), threads oldest first, each reply after its parent. */
  list(workId: string, query: CommentListQuery): Promise<CommentRecord[]>;
  edit(id: string, body: string, mentionIds: readonly string[], editedAt: string): Promise<CommentRecord | null>;
  /** Deletes the comment and its replies; the ids removed, the comment's first. */
  delete(id: string): Promise<string[]>;
  count(workId: string): Promise<number>;
}

export interface NewNotification {
  id: string;
  recipientId: string;
  type: NotificationType;
  actorId: string;
  workId?: string;
  commentId?: string;
  roomId?: string;
  createdAt: string;
  /**
   * Joins an unread entry with the same key started at or after `since`
   * (one actor counted once) instead of adding one.
   */
  coalesce?: { key: string; since: string };
}

export interface NotificationRecord {
  id: string;
  seq: number;
  recipientId: string;
  type: NotificationType;
  actor: PublicUser;
  others: number;
  workId: string | null;
  commentId: string | null;
  roomId: string | null;
  createdAt: string;
  read: boolean;
}

export interface NotificationStore {
  /**
   * Stores it, or grows the entry it coalesces into (which then moves to the
   * top). Null when nothing changed: the actor was already counted in it.
   */
  add(notification: NewNotification): Promise<NotificationRecord | null>;
  list(recipientId: string, page: SeqPage): Promise<NotificationRecord[]>;
  unread(recipientId: string): Promise<number>;
  /**
   * Marks everything up to and including `upTo` (all when absent) read;
   * answers the unread count left, or null when `upTo` names none of theirs.
   */
  markRead(recipientId: string, upTo: string | undefined, at: string): Promise<number | null>;
  muted(userId: string): Promise<Set<NotificationType>>;
  setMuted(userId: string, types: readonly NotificationType[]): Promise<void>;
}

export interface NewReport {
  id: string;
  reporterId: string;
  target: ReportTarget;
  reason: ReportReason;
  note: string | null;
  createdAt: string;
}

export interface ReportRecord {
  id: string;
  seq: number;
  reporterId: string;
  target: ReportTarget;
  reason: ReportReason;
  note: string | null;
  status: ReportStatus;
  action: ModerationAction | null;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export interface AuditRecord {
  id: string;
  seq: number;
  moderatorId: string;
  action: ModerationAction;
  target: ReportTarget;
  reportId: string | null;
  at: string;
}

export interface Resolution {
  status: Exclude<ReportStatus, 'open'>;
  action: ModerationAction;
  by: string;
  at: string;
}

export interface ModerationStore {
  /** One open report per reporter and target: a second answers the first (created: false). */
  addReport(report: NewReport): Promise<{ report: ReportRecord; created: boolean }>;
  getReport(id: string): Promise<ReportRecord | null>;
  /**
   * The open queue oldest first (first come, first served), after seq
   * `cursor`; resolved reports newest first, before seq `cursor`.
   */
  listReports(status: ReportStatus, page: { limit: number; cursor?: number }): Promise<ReportRecord[]>;
  openReportsOf(target: ReportTarget): Promise<number>;
  /**
   * Resolves the report and every other open report of the same target, and
   * records the action in the audit log, in one transaction. Null when the
   * report is not open (someone else resolved it first).
   */
  resolve(reportId: string, resolution: Resolution, auditId: string): Promise<ReportRecord | null>;
  listAudit(page: SeqPage): Promise<AuditRecord[]>;

  /** Hides a work, comment or user (null: shows it again); a room is closed. */
  setHidden(type: ReportTargetType, id: string, at: string | null): Promise<boolean>;
  isHidden(type: ReportTargetType, id: string): Promise<boolean>;
  setSuspended(userId: string, at: string | null): Promise<boolean>;
  isSuspended(userId: string): Promise<boolean>;
}

export interface SocialStore {
  readonly graph: GraphStore;
  readonly comments: CommentStore;
  readonly notifications: NotificationStore;
  readonly moderation: ModerationStore;
}
