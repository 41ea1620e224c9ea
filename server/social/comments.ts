// Comments under works: one level of replies, `@handle` mentions resolved,
// edits within a window, deletion by the author, the work's authors or a
// moderator. Every rule is checked here for every transport; listeners (the
// Socket.IO broadcaster) hear each change.
import type { PublicUser } from '../../shared/protocol.ts';
import { COMMENT_MAX_LENGTH, type Comment, type CommentPage, mentionedHandles } from '../../shared/social.ts';
import { keptText, textProblem } from '../../shared/text.ts';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { randomId } from '../ids.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { WorkRecord } from '../store/gallery.ts';
import type { CommentRecord, CommentStore, GraphStore } from '../store/social.ts';
import { decodeKeys, encodeKeys, pageOf } from './cursors.ts';
import type { HandleLookup } from './handles.ts';
import type { Moderators } from './moderators.ts';
import type { Notifier } from './notifier.ts';

export interface CommentListener {
  /** `hiddenFrom`: users who block the author, who must not see it. */
  added?(comment: Comment, hiddenFrom: readonly string[]): void;
  updated?(comment: Comment, hiddenFrom: readonly string[]): void;
  removed?(removed: { id: string; workId: string }): void;
}

export interface CommentLimits {
  commentsPerMinute: number;
  /** Mentions resolved (linked and notified) per comment; later ones stay plain text. */
  mentionsPerComment: number;
  /** How long after posting its author may edit a comment. */
  editWindowMs: number;
}

export interface CommentsDeps {
  logger: Logger;
  store: CommentStore;
  graph: GraphStore;
  gallery: Gallery;
  handles: HandleLookup;
  moderators: Moderators;
  notifier: Notifier;
  limiter: RateLimiter;
  limits: CommentLimits;
}

const LIST = 'cm';
const MINUTE = 60_000;

export class Comments {
  readonly #deps: CommentsDeps;
  readonly #listeners: Listeners<CommentListener>;

  constructor(deps: CommentsDeps) {
    this.#deps = deps;
    this.#listeners = new Listeners(deps.logger, 'comments');
  }

  /** Comments added, edited and removed (the Socket.IO broadcaster). */
  get events(): Subscribable<CommentListener> {
    return this.#listeners;
  }

  async list(workId: string, viewer: string | null, limit: number, cursor?: string): Promise<CommentPage> {
    await this.#deps.gallery.getRecord(workId, viewer);
    const [thread, seq] = cursor === undefined ? [] : decodeKeys(cursor, LIST, 2);
    const rows = await this.#deps.store.list(workId, {
      limit: limit + 1,
      viewer,
      ...(thread === undefined || seq === undefined ? {} : { after: { thread, seq } }),
    });
    return pageOf(rows, limit, toComment, (last) => encodeKeys(LIST, last.thread, last.seq));
  }

  async post(me: string, workId: string, rawBody: string, parentId?: string | null): Promise<Comment> {
    const { store, graph, limiter, limits } = this.#deps;
    // Checked first: a comment refused for what it says does not spend one of the minute's.
    const body = checkBody(rawBody);
    if (!(await limiter.take(`comment:u:${me}`, { limit: limits.commentsPerMinute, windowMs: MINUTE }))) {
      throw new AppError('rate_limited', `at most ${limits.commentsPerMinute} comments a minute`);
    }
    const work = await this.#deps.gallery.getRecord(workId, null);
    const authorIds = work.authors.map((a) => a.id);
    if ((await graph.blockersAmong(me, authorIds)).size > 0) throw new AppError('forbidden', 'you cannot comment on this work');
    // The comment answered, and the top-level comment whose thread the answer joins (one level of replies).
    let answered: CommentRecord | null = null;
    let thread: string | null = null;
    if (parentId) {
      answered = await store.get(parentId);
      if (!answered || answered.workId !== workId || answered.hidden)
        throw new AppError('not_found', 'parentId: no such comment on this work');
      if (await graph.isBlocking(answered.author.id, me)) throw new AppError('forbidden', 'you cannot reply to this comment');
      thread = answered.parentId ?? answered.id;
    }
    const mentions = await this.#mentions(me, body);
    const record = await store.insert({
      id: randomId(),
      workId,
      parentId: thread,
      authorId: me,
      body,
      mentionIds: mentions.map((u) => u.id),
      createdAt: new Date().toISOString(),
    });
    if (!record) throw new AppError('not_found', 'parentId: no such comment on this work');
    const comment = toComment(record);
    const hiddenFrom = await graph.blockersOf(me);
    this.#listeners.emit('added', comment, hiddenFrom);
    this.#notify(comment, work, answered, mentions);
    return comment;
  }

  async edit(me: string, id: string, rawBody: string): Promise<Comment> {
    const { store, graph, limits } = this.#deps;
    const body = checkBody(rawBody);
    const found = await this.#visible(id, me);
    if (found.author.id !== me) throw new AppError('forbidden', 'only its author can edit a comment');
    if (Date.now() - Date.parse(found.createdAt) > limits.editWindowMs) {
      throw new AppError(
        'forbidden',
        `a comment can be edited for ${Math.round(limits.editWindowMs / MINUTE)} minutes after it was posted`,
      );
    }
    const mentions = await this.#mentions(me, body);
    const record = await store.edit(
      id,
      body,
      mentions.map((u) => u.id),
      new Date().toISOString(),
    );
    if (!record) throw new AppError('not_found', 'no such comment');
    const comment = toComment(record);
    const hiddenFrom = await graph.blockersOf(me);
    this.#listeners.emit('updated', comment, hiddenFrom);
    // Only people newly mentioned hear of it.
    const before = new Set(found.mentions.map((u) => u.id));
    const added = mentions.filter((u) => !before.has(u.id));
    if (added.length > 0) {
      this.#deps.notifier.notify({
        type: 'mention',
        actorId: me,
        recipientIds: added.map((u) => u.id),
        workId: comment.workId,
        commentId: id,
      });
    }
    return comment;
  }

  /** By its author, an author of the work, or a moderator; its replies go with it. */
  async delete(me: string, id: string): Promise<void> {
    const found = await this.#visible(id, me);
    if (found.author.id !== me && !(await this.#isWorkAuthor(found.workId, me)) && !(await this.#deps.moderators.isModerator(me))) {
      throw new AppError('forbidden', "only its author, the work's authors or a moderator can delete a comment");
    }
    await this.remove(found);
  }

  /** Removes a comment and its replies and tells listeners (moderation uses it too). */
  async remove(comment: { id: string; workId: string }): Promise<void> {
    const ids = await this.#deps.store.delete(comment.id);
    for (const removedId of ids) this.#listeners.emit('removed', { id: removedId, workId: comment.workId });
  }

  /** Tells listeners a comment left (hidden by a moderator) without deleting it. */
  withdrawn(comment: { id: string; workId: string }): void {
    this.#listeners.emit('removed', comment);
  }

  /** A comment as a moderator sees it (hidden ones too), or null. */
  async find(id: string): Promise<Comment | null> {
    const record = await this.#deps.store.get(id);
    return record ? toComment(record) : null;
  }

  async #visible(id: string, viewer: string): Promise<CommentRecord> {
    const found = await this.#deps.store.get(id);
    if (!found || (found.hidden && !(await this.#deps.moderators.isModerator(viewer)))) throw new AppError('not_found', 'no such comment');
    return found;
  }

  async #isWorkAuthor(workId: string, userId: string): Promise<boolean> {
    const found = await this.#deps.gallery.getRecord(workId, userId).catch(() => null);
    return found?.authors.some((a) => a.id === userId) ?? false;
  }

  /** The first mentionsPerComment handles that name someone who does not block the writer. */
  async #mentions(me: string, body: string): Promise<PublicUser[]> {
    const handles = mentionedHandles(body).slice(0, this.#deps.limits.mentionsPerComment);
    if (handles.length === 0) return [];
    const found = await this.#deps.handles.byHandles(handles);
    const users = handles.map((h) => found.get(h)).filter((u): u is PublicUser => u !== undefined);
    const blocking = await this.#deps.graph.blockersAmong(
      me,
      users.map((u) => u.id),
    );
    return users.filter((u) => !blocking.has(u.id));
  }

  /** Each person hears once, of the most particular reason: a reply, then a mention, then a comment on their work. */
  #notify(comment: Comment, work: WorkRecord, answered: CommentRecord | null, mentions: readonly PublicUser[]): void {
    const { notifier } = this.#deps;
    const told = new Set<string>([comment.author.id]);
    const send = (type: 'reply' | 'mention' | 'comment', ids: readonly string[]) => {
      const recipients = ids.filter((id) => !told.has(id));
      for (const id of recipients) told.add(id);
      if (recipients.length > 0)
        notifier.notify({ type, actorId: comment.author.id, recipientIds: recipients, workId: work.id, commentId: comment.id });
    };
    if (answered) send('reply', [answered.author.id]);
    send(
      'mention',
      mentions.map((u) => u.id),
    );
    send(
      'comment',
      work.authors.map((a) => a.id),
    );
  }
}

/** Plain text of 1–COMMENT_MAX_LENGTH characters once kept (composed, trimmed). */
function checkBody(raw: string): string {
  const body = keptText(raw);
  if (body.length === 0) throw new AppError('bad_request', 'body: write something');
  if (body.length > COMMENT_MAX_LENGTH)
    throw new AppError('too_large', `body: at most ${COMMENT_MAX_LENGTH} characters (this is ${body.length})`);
  const problem = textProblem(body, 'lines');
  if (problem) throw new AppError('bad_request', `body: ${problem}`);
  return body;
}

export function toComment(record: CommentRecord): Comment {
  return {
    id: record.id,
    workId: record.workId,
    parentId: record.parentId,
    author: record.author,
    body: record.body,
    mentions: record.mentions,
    createdAt: record.createdAt,
    editedAt: record.editedAt,
  };
}
