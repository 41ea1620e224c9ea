// Reports and what moderators do about them. Anyone signed in reports a
// work, comment, user or room; the users MODERATORS names see the queue with
// the content in context and act on it. Every action is in the audit log.
import type { PublicUser, Work } from '../../shared/protocol.ts';
import type {
  AuditPage,
  ModerationAction,
  ModerationItem,
  ModerationPage,
  Report,
  ReportedContent,
  ReportStatus,
  ReportTarget,
} from '../../shared/social.ts';
import { AppError } from '../errors.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { toWork } from '../gallery/work-view.ts';
import { randomId } from '../ids.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { GalleryStore } from '../store/gallery.ts';
import type { RecordStore } from '../store/records.ts';
import type { ModerationStore, ReportRecord } from '../store/social.ts';
import type { Comments } from './comments.ts';
import { decodeKeys, encodeKeys, pageOf } from './cursors.ts';
import type { Moderators } from './moderators.ts';

/** What suspension needs from the accounts module: every session of the user ends, on every node. */
export interface AccountControl {
  endSessions(userId: string): Promise<void>;
}

/** Lets everyone in a room go, on every node (a room closed by a moderator). */
export interface RoomCloser {
  close(roomId: string): Promise<void>;
}

export interface ModerationDeps {
  store: ModerationStore;
  gallery: Gallery;
  works: GalleryStore;
  comments: Comments;
  records: RecordStore;
  users: { get(id: string): Promise<PublicUser | null> };
  moderators: Moderators;
  accounts: AccountControl;
  rooms: RoomCloser;
  limiter: RateLimiter;
  reportsPerMinute: number;
}

const MINUTE = 60_000;
/** Works shown beside a reported user. */
const USER_CONTEXT_WORKS = 6;

export class Moderation {
  readonly #deps: ModerationDeps;

  constructor(deps: ModerationDeps) {
    this.#deps = deps;
  }

  async report(me: string, input: { target: ReportTarget; reason: Report['reason']; note?: string | undefined }): Promise<Report> {
    const { store, limiter, reportsPerMinute } = this.#deps;
    if (!(await limiter.take(`report:u:${me}`, { limit: reportsPerMinute, windowMs: MINUTE }))) {
      throw new AppError('rate_limited', `at most ${reportsPerMinute} reports a minute`);
    }
    if (input.target.type === 'user' && input.target.id === me) throw new AppError('bad_request', 'you cannot report yourself');
    if (!(await this.#exists(input.target, me))) throw new AppError('not_found', `no such ${input.target.type}`);
    const { report } = await store.addReport({
      id: randomId(),
      reporterId: me,
      target: input.target,
      reason: input.reason,
      note: input.note ? input.note : null,
      createdAt: new Date().toISOString(),
    });
    return toReport(report);
  }

  isModerator(me: string): Promise<boolean> {
    return this.#deps.moderators.isModerator(me);
  }

  async requireModerator(me: string): Promise<void> {
    if (!(await this.isModerator(me))) throw new AppError('forbidden', 'only moderators may do this');
  }

  /** The open queue oldest first; resolved reports newest first. */
  async queue(me: string, status: ReportStatus, limit: number, cursor?: string): Promise<ModerationPage> {
    await this.requireModerator(me);
    const after = cursor === undefined ? undefined : decodeKeys(cursor, `rp${status}`, 1)[0];
    const rows = await this.#deps.store.listReports(status, { limit: limit + 1, ...(after === undefined ? {} : { cursor: after }) });
    const page = pageOf(
      rows,
      limit,
      (row) => row,
      (last) => encodeKeys(`rp${status}`, last.seq),
    );
    return { items: await Promise.all(page.items.map((row) => this.#item(row))), nextCursor: page.nextCursor };
  }

  /** Acts on a report (and every other open report of the same target). */
  async act(me: string, reportId: string, action: ModerationAction): Promise<Report> {
    await this.requireModerator(me);
    const { store } = this.#deps;
    const report = await store.getReport(reportId);
    if (!report) throw new AppError('not_found', 'no such report');
    if (report.status !== 'open') throw new AppError('conflict', `this report was already resolved (${report.action})`);
    await this.#apply(me, action, report.target);
    const at = new Date().toISOString();
    const status = action === 'dismiss' ? 'dismissed' : 'actioned';
    const resolved = await store.resolve(reportId, { status, action, by: me, at }, randomId());
    if (!resolved) throw new AppError('conflict', 'this report was resolved by another moderator meanwhile');
    return toReport(resolved);
  }

  async audit(me: string, limit: number, cursor?: string): Promise<AuditPage> {
    await this.requireModerator(me);
    const before = cursor === undefined ? undefined : decodeKeys(cursor, 'au', 1)[0];
    const rows = await this.#deps.store.listAudit({ limit: limit + 1, ...(before === undefined ? {} : { before }) });
    const page = pageOf(
      rows,
      limit,
      (row) => row,
      (last) => encodeKeys('au', last.seq),
    );
    return {
      items: await Promise.all(
        page.items.map(async (row) => ({
          id: row.id,
          moderator: await this.#deps.users.get(row.moderatorId),
          action: row.action,
          target: row.target,
          reportId: row.reportId,
          at: row.at,
        })),
      ),
      nextCursor: page.nextCursor,
    };
  }

  async #apply(me: string, action: ModerationAction, target: ReportTarget): Promise<void> {
    const { store, gallery, works, comments } = this.#deps;
    const now = new Date().toISOString();
    switch (action) {
      case 'dismiss':
        return;
      case 'suspend': {
        const userId = await this.#responsible(target);
        if (userId === null) throw new AppError('not_found', `no such ${target.type}`);
        if (await this.#deps.moderators.isModerator(userId)) throw new AppError('forbidden', 'a moderator cannot be suspended here');
        await store.setSuspended(userId, now);
        await this.#deps.accounts.endSessions(userId);
        if (target.type !== 'user') await this.#apply(me, 'hide', target);
        return;
      }
      case 'hide':
      case 'remove':
        break;
      default:
        throw new AppError('bad_request', `unknown action ${String(action)}`);
    }
    switch (target.type) {
      case 'work':
        if (action === 'remove') await works.deleteWork(target.id, now);
        await store.setHidden('work', target.id, now);
        gallery.withdrawn(target.id);
        return;
      case 'comment': {
        const comment = await comments.find(target.id);
        if (!comment) return;
        if (action === 'remove') return comments.remove(comment);
        await store.setHidden('comment', target.id, now);
        comments.withdrawn(comment);
        return;
      }
      case 'user':
        await store.setHidden('user', target.id, now);
        gallery.withdrawn(null);
        if (action === 'remove') await this.#apply(me, 'suspend', target);
        return;
      case 'room':
        await store.setHidden('room', target.id, now);
        await this.#deps.rooms.close(target.id);
        return;
    }
  }

  /** Whoever answers for the content: a work's publisher, a comment's author, the user, a room's owner. */
  async #responsible(target: ReportTarget): Promise<string | null> {
    switch (target.type) {
      case 'work': {
        const found = await this.#deps.works.getWork(target.id);
        return found ? (found.state === 'live' ? found.work.publishedBy : found.tombstone.publishedBy) : null;
      }
      case 'comment':
        return (await this.#deps.comments.find(target.id))?.author.id ?? null;
      case 'user':
        return (await this.#deps.users.get(target.id))?.id ?? null;
      case 'room':
        return (await this.#deps.records.getRoom(target.id))?.ownerId ?? null;
    }
  }

  /** Whether the reporter can see the target at all (hidden things cannot be reported again by others). */
  async #exists(target: ReportTarget, me: string): Promise<boolean> {
    switch (target.type) {
      case 'work':
        return this.#deps.gallery.getRecord(target.id, me).then(
          () => true,
          () => false,
        );
      case 'comment':
        return (await this.#deps.comments.find(target.id)) !== null && !(await this.#deps.store.isHidden('comment', target.id));
      case 'user':
        return (await this.#deps.users.get(target.id)) !== null;
      case 'room':
        return (await this.#deps.records.getRoom(target.id)) !== null;
    }
  }

  async #item(row: ReportRecord): Promise<ModerationItem> {
    const [reporter, content, openReports, moderated] = await Promise.all([
      this.#deps.users.get(row.reporterId),
      this.#content(row.target),
      this.#deps.store.openReportsOf(row.target),
      this.#deps.store.isHidden(row.target.type, row.target.id),
    ]);
    return { ...toReport(row), reporter, content, openReports, moderated };
  }

  /** The reported thing in context, hidden or not. */
  async #content(target: ReportTarget): Promise<ReportedContent> {
    const { works, comments, records, users } = this.#deps;
    const work = async (id: string): Promise<Work | null> => {
      const found = await works.getWork(id);
      return found?.state === 'live' ? toWork(found.work) : null;
    };
    switch (target.type) {
      case 'work':
        return { type: 'work', work: await work(target.id) };
      case 'comment': {
        const comment = await comments.find(target.id);
        return {
          type: 'comment',
          comment,
          work: comment ? await work(comment.workId) : null,
          parent: comment?.parentId ? await comments.find(comment.parentId) : null,
        };
      }
      case 'user': {
        const user = await users.get(target.id);
        const recent = user ? await works.listWorks({ sort: 'new', limit: USER_CONTEXT_WORKS, filter: { authorId: user.id } }) : [];
        return { type: 'user', user, works: recent.map((w) => toWork(w)) };
      }
      case 'room': {
        const room = await records.getRoom(target.id);
        return {
          type: 'room',
          room: room ? { id: room.id, title: room.title, ownerId: room.ownerId, createdAt: room.createdAt } : null,
          owner: room ? await users.get(room.ownerId) : null,
        };
      }
    }
  }
}

function toReport(record: ReportRecord): Report {
  return {
    id: record.id,
    target: record.target,
    reason: record.reason,
    note: record.note,
    status: record.status,
    action: record.action,
    createdAt: record.createdAt,
    resolvedAt: record.resolvedAt,
  };
}
