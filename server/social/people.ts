// Follows and blocks between people. Both are checked here, on the server,
// for every transport: a blocked user cannot follow the blocker, and blocking
// ends any follow between the two either way.
import type { PublicUser } from '../../shared/protocol.ts';
import type { BlockResponse, FollowResponse, SocialSummary, UserPage } from '../../shared/social.ts';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { GraphStore, Listed, ModerationStore } from '../store/social.ts';
import { decodeKeys, encodeKeys, pageOf } from './cursors.ts';
import type { Notifier } from './notifier.ts';

export interface PeopleDeps {
  graph: GraphStore;
  moderation: ModerationStore;
  /** Users by id (the accounts module's cached lookup). */
  users: { get(id: string): Promise<PublicUser | null> };
  limiter: RateLimiter;
  followsPerMinute: number;
  notifier: Notifier;
  logger: Logger;
}

/** Told when one user blocks another (rooms use it to let the blocked one go). */
export interface BlockListener {
  blocked?(blockerId: string, blockedId: string): void;
}

const MINUTE = 60_000;

export class People {
  readonly #deps: PeopleDeps;
  readonly #listeners: Listeners<BlockListener>;

  constructor(deps: PeopleDeps) {
    this.#deps = deps;
    this.#listeners = new Listeners(deps.logger, 'people');
  }

  /** Blocks as they are made. */
  get events(): Subscribable<BlockListener> {
    return this.#listeners;
  }

  async follow(me: string, targetId: string): Promise<FollowResponse> {
    const { graph, notifier } = this.#deps;
    await this.#limit(me);
    if (targetId === me) throw new AppError('bad_request', 'you cannot follow yourself');
    await this.#visible(targetId);
    if (await graph.isBlocking(targetId, me)) throw new AppError('forbidden', 'this person does not take follows from you');
    if (await graph.isBlocking(me, targetId)) throw new AppError('forbidden', 'you block this person: unblock them first');
    if (await graph.follow(me, targetId, new Date().toISOString()))
      notifier.notify({ type: 'follow', actorId: me, recipientIds: [targetId] });
    return { following: true, followers: (await graph.counts(targetId)).followers };
  }

  async unfollow(me: string, targetId: string): Promise<FollowResponse> {
    await this.#limit(me);
    await this.#visible(targetId);
    await this.#deps.graph.unfollow(me, targetId);
    return { following: false, followers: (await this.#deps.graph.counts(targetId)).followers };
  }

  async followers(userId: string, limit: number, cursor?: string): Promise<UserPage> {
    await this.#visible(userId);
    return this.#page('fr', limit, cursor, (page) => this.#deps.graph.followers(userId, page));
  }

  async following(userId: string, limit: number, cursor?: string): Promise<UserPage> {
    await this.#visible(userId);
    return this.#page('fg', limit, cursor, (page) => this.#deps.graph.following(userId, page));
  }

  /** Counts and the caller's relation to the user, for profiles and follow buttons. */
  async summary(viewer: string | null, userId: string): Promise<SocialSummary> {
    const { graph } = this.#deps;
    await this.#visible(userId);
    const counts = await graph.counts(userId);
    if (viewer === null || viewer === userId) return { ...counts, followedByMe: false, blockedByMe: false };
    const [follows, blocked] = await Promise.all([graph.followsAmong(viewer, [userId]), graph.isBlocking(viewer, userId)]);
    return { ...counts, followedByMe: follows.has(userId), blockedByMe: blocked };
  }

  /** Which of these users the viewer follows (follow buttons in lists). */
  async followedAmong(viewer: string, userIds: readonly string[]): Promise<Set<string>> {
    return this.#deps.graph.followsAmong(viewer, userIds);
  }

  async block(me: string, targetId: string): Promise<BlockResponse> {
    if (targetId === me) throw new AppError('bad_request', 'you cannot block yourself');
    if (!(await this.#deps.users.get(targetId))) throw new AppError('not_found', 'no such user');
    if (await this.#deps.graph.block(me, targetId, new Date().toISOString())) {
      this.#listeners.emit('blocked', me, targetId);
    }
    return { blocked: true };
  }

  async unblock(me: string, targetId: string): Promise<BlockResponse> {
    if (!(await this.#deps.users.get(targetId))) throw new AppError('not_found', 'no such user');
    await this.#deps.graph.unblock(me, targetId);
    return { blocked: false };
  }

  /** Whether `blockerId` blocks `blockedId`: for any module that must refuse the blocked (rooms, live). */
  isBlocking(blockerId: string, blockedId: string): Promise<boolean> {
    return this.#deps.graph.isBlocking(blockerId, blockedId);
  }

  /** Of `userIds`, those who block `userId`. */
  blockersAmong(userId: string, userIds: readonly string[]): Promise<Set<string>> {
    return this.#deps.graph.blockersAmong(userId, userIds);
  }

  async #page(
    list: string,
    limit: number,
    cursor: string | undefined,
    read: (page: { limit: number; before?: number }) => Promise<Array<Listed<PublicUser>>>,
  ): Promise<UserPage> {
    const before = cursor === undefined ? undefined : decodeKeys(cursor, list, 1)[0];
    const rows = await read({ limit: limit + 1, ...(before === undefined ? {} : { before }) });
    return pageOf(
      rows,
      limit,
      (row) => row.value,
      (last) => encodeKeys(list, last.seq),
    );
  }

  /** A user others may see: `not_found` for unknown and hidden users. */
  async #visible(userId: string): Promise<void> {
    if (!(await this.#deps.users.get(userId)) || (await this.#deps.moderation.isHidden('user', userId))) {
      throw new AppError('not_found', 'no such user');
    }
  }

  async #limit(me: string): Promise<void> {
    const perMinute = this.#deps.followsPerMinute;
    if (!(await this.#deps.limiter.take(`follow:u:${me}`, { limit: perMinute, windowMs: MINUTE }))) {
      throw new AppError('rate_limited', `at most ${perMinute} follows and unfollows a minute`);
    }
  }
}
