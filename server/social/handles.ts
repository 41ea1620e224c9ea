// Handles (`@ann`) belong to the accounts module; the social layer only looks
// them up, through this interface, to resolve mentions and MODERATORS.
import type { PublicUser } from '../../shared/protocol.ts';

export interface HandleLookup {
  /** Users holding these handles (lower-case), keyed by handle; unknown ones are absent. */
  byHandles(handles: readonly string[]): Promise<Map<string, PublicUser>>;
  /** The user's current handle (lower-case), or null. */
  handleOf(userId: string): Promise<string | null>;
}

/** Where nobody has a handle yet: mentions resolve to no one, MODERATORS match ids only. */
export const NO_HANDLES: HandleLookup = {
  byHandles: async () => new Map(),
  handleOf: async () => null,
};
