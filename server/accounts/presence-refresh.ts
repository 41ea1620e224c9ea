// A renamed or recoloured user shows so in every room this node holds them
// in, at once: the server stamps each person's presence with their account
// (rooms/awareness-message.ts), so a profile change (on any node, through the
// session bus) restamps their states rather than waiting for them to rejoin.
import type { Logger } from 'pino';
import type { ProfileListener } from '../auth/sessions.ts';
import type { Users } from '../auth/users.ts';
import type { RoomRegistry } from '../rooms/registry.ts';

export interface PresenceRefreshDeps {
  users: Pick<Users, 'get' | 'forget'>;
  registry: Pick<RoomRegistry, 'rooms'>;
  logger: Logger;
}

export class PresenceRefresh implements ProfileListener {
  readonly #d: PresenceRefreshDeps;

  constructor(deps: PresenceRefreshDeps) {
    this.#d = deps;
  }

  userChanged(userId: string): void {
    const present = [...this.#d.registry.rooms()].some((room) => [...room.participants.values()].some((p) => p.user.id === userId));
    if (!present) return;
    // Another node made the change: this node's copy of the profile is stale.
    this.#d.users.forget(userId);
    this.#d.users.get(userId).then(
      (user) => {
        if (!user) return;
        for (const room of this.#d.registry.rooms()) room.refreshUser(user);
      },
      (err: unknown) => this.#d.logger.warn({ err, userId }, 'presence not refreshed after a profile change'),
    );
  }
}
