// The social layer's wire types, limits and text helpers (docs/social.md):
// follows, comments, notifications, tags, search, blocks, reports and
// moderation. The schemas inputs are checked with are in social-schemas.ts
// (zod stays out of the client pages that only need these).
import type { PublicUser, Work } from './protocol.ts';

// ---------------------------------------------------------------------------
// Tags

export const TAG_MAX_LENGTH = 32;
export const TAGS_PER_WORK = 10;
const TAG = /^[a-z0-9-]{1,32}$/;

/** A tag as written (`#Lighthouse`, ` lighthouse `) in its one stored form, or null when it is not a tag. */
export function normalizeTag(raw: string): string | null {
  const tag = raw.trim().replace(/^#/, '').toLowerCase();
  return TAG.test(tag) ? tag : null;
}

/**
 * `#tags` written in a description: a `#` not inside a word or an HTML entity,
 * then letters, digits and dashes, at least one of them a letter (`#1` is a
 * number, not a tag).
 */
const HASHTAG = /(?<![\p{L}\p{N}_&#-])#([A-Za-z0-9-]{1,32})(?![A-Za-z0-9_-])/gu;

export function hashtags(text: string): string[] {
  const found: string[] = [];
  for (const [, written = ''] of text.matchAll(HASHTAG)) {
    const tag = normalizeTag(written);
    if (tag !== null && /[a-z]/.test(tag) && !found.includes(tag)) found.push(tag);
  }
  return found;
}

// ---------------------------------------------------------------------------
// Mentions

/** `@handle`: 3–30 of a-z, 0-9 and _, not inside a word or an e-mail address. */
const MENTION = /(?<![\p{L}\p{N}_@.])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])/gu;

/** Distinct handles mentioned in a text, lower-cased, in order of first appearance. */
export function mentionedHandles(text: string): string[] {
  const found: string[] = [];
  for (const [, name = ''] of text.matchAll(MENTION)) {
    const handle = name.toLowerCase();
    if (!found.includes(handle)) found.push(handle);
  }
  return found;
}

/** Splits a text into plain runs and mentions, for rendering links without ever parsing HTML. */
export function splitMentions(text: string): Array<{ text: string; handle?: string }> {
  const parts: Array<{ text: string; handle?: string }> = [];
  let at = 0;
  for (const match of text.matchAll(MENTION)) {
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ text: match[0], handle: (match[1] ?? '').toLowerCase() });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

// ---------------------------------------------------------------------------
// Follows and blocks

export interface FollowResponse {
  /** Whether the caller now follows the user. */
  following: boolean;
  /** The user's follower count. */
  followers: number;
}

export interface BlockResponse {
  blocked: boolean;
}

export interface UserPage {
  items: PublicUser[];
  nextCursor: string | null;
}

/** `GET /api/users/:id/social`: what the profile and follow buttons need. */
export interface SocialSummary {
  followers: number;
  following: number;
  followedByMe: boolean;
  blockedByMe: boolean;
}

// ---------------------------------------------------------------------------
// Comments

export const COMMENT_MAX_LENGTH = 2000;

export interface Comment {
  id: string;
  workId: string;
  /** The comment this one answers (always a top-level comment), or null. */
  parentId: string | null;
  author: PublicUser;
  /** Plain text: render it escaped, never as HTML. */
  body: string;
  /** The users its `@handle`s named, as resolved when it was written (or last edited). */
  mentions: PublicUser[];
  createdAt: string;
  /** When it was last edited, or null. */
  editedAt: string | null;
}

export interface CommentPage {
  items: Comment[];
  nextCursor: string | null;
}

export interface CommentResponse {
  comment: Comment;
}

// ---------------------------------------------------------------------------
// Notifications

export const NOTIFICATION_TYPES = ['follow', 'like', 'comment', 'reply', 'mention', 'remix', 'join_request'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface Notification {
  id: string;
  type: NotificationType;
  /** Who did it (the latest of them, for a coalesced entry). */
  actor: PublicUser;
  /** How many more people did the same (a coalesced burst: "Ann and 49 others liked …"). */
  others: number;
  workId?: string;
  commentId?: string;
  roomId?: string;
  /** The latest activity. */
  createdAt: string;
  read: boolean;
}

export interface NotificationPage {
  items: Notification[];
  unread: number;
  nextCursor: string | null;
}

export interface NotificationSettings {
  /** Types the user does not want: they are neither stored nor sent. */
  muted: NotificationType[];
}
// ---------------------------------------------------------------------------
// Search

export const SEARCH_TYPES = ['works', 'users'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const SEARCH_QUERY_MAX = 200;

export interface SearchPage {
  items: Work[] | PublicUser[];
  nextCursor: string | null;
}

export interface TagCount {
  tag: string;
  works: number;
}

// ---------------------------------------------------------------------------
// Reports and moderation

export const REPORT_TARGET_TYPES = ['work', 'comment', 'user', 'room'] as const;
export type ReportTargetType = (typeof REPORT_TARGET_TYPES)[number];
export const REPORT_REASONS = ['spam', 'harassment', 'sexual', 'violence', 'illegal', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const MODERATION_ACTIONS = ['dismiss', 'hide', 'remove', 'suspend'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];
export const REPORT_STATUSES = ['open', 'dismissed', 'actioned'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const REPORT_NOTE_MAX = 1000;

export interface ReportTarget {
  type: ReportTargetType;
  id: string;
}

export interface Report {
  id: string;
  target: ReportTarget;
  reason: ReportReason;
  note: string | null;
  status: ReportStatus;
  /** What a moderator did about it, once resolved. */
  action: ModerationAction | null;
  createdAt: string;
  resolvedAt: string | null;
}

/** The reported thing as a moderator sees it, hidden or not. */
export type ReportedContent =
  | { type: 'work'; work: Work | null }
  | { type: 'comment'; comment: Comment | null; work: Work | null; parent: Comment | null }
  | { type: 'user'; user: PublicUser | null; works: Work[] }
  | { type: 'room'; room: { id: string; title: string; ownerId: string; createdAt: string } | null; owner: PublicUser | null };

/** A queue entry: the report, who made it, the content in context, and how many open reports name the same target. */
export interface ModerationItem extends Report {
  reporter: PublicUser | null;
  content: ReportedContent;
  /** Open reports of the same target, this one included. */
  openReports: number;
  /** Whether the content is already hidden or removed. */
  moderated: boolean;
}

export interface ModerationPage {
  items: ModerationItem[];
  nextCursor: string | null;
}

export interface AuditEntry {
  id: string;
  moderator: PublicUser | null;
  action: ModerationAction;
  target: ReportTarget;
  reportId: string | null;
  at: string;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}
