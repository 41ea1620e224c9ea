// How one node tells the others that sessions stopped working, a user
// changed or may no longer be somewhere, so their caches and open
// connections follow at once (server/scale/redis-session-bus.ts carries it
// between nodes).
import { z } from 'zod';

export const sessionEventSchema = z.discriminatedUnion('type', [
  /** These sessions were revoked (signed out). */
  z.strictObject({ type: z.literal('revoked'), sessionIds: z.array(z.string().max(64)).max(10_000) }),
  /** Every session of this user stopped working (account deleted, user suspended). */
  z.strictObject({ type: z.literal('user-revoked'), userId: z.string().max(64) }),
  /** The user's profile changed: cached copies are stale. */
  z.strictObject({ type: z.literal('user-changed'), userId: z.string().max(64) }),
  /**
   * One user blocked another: the blocked one may no longer be in the
   * blocker's rooms (server/social/block-eviction.ts lets them go on every node).
   */
  z.strictObject({ type: z.literal('blocked'), blockerId: z.string().max(64), blockedId: z.string().max(64) }),
]);
export type SessionEvent = z.infer<typeof sessionEventSchema>;

export interface SessionBus {
  /** Delivers the event to every other node's handlers (the publishing node applies it itself). */
  publish(event: SessionEvent): Promise<void>;
  subscribe(handler: (event: SessionEvent) => void): void;
}

/** One process, no other nodes: nothing to tell anyone. */
export const SINGLE_NODE_BUS: SessionBus = {
  async publish() {},
  subscribe() {},
};
