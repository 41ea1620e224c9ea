// Handles as the social layer looks them up (mentions, MODERATORS): the
// users holding them now, exactly — look-alikes and held handles do not count.
import { handleProblem, normalizeHandle } from '../../shared/handles.ts';
import type { PublicUser } from '../../shared/protocol.ts';
import { toPublicUser } from '../auth/users.ts';
import type { HandleLookup } from '../social/handles.ts';
import type { AccountStore } from '../store/accounts.ts';
import type { RecordStore } from '../store/records.ts';

export function accountHandles(accounts: AccountStore, records: RecordStore): HandleLookup {
  return {
    async byHandles(handles) {
      const wanted = [...new Set(handles.map(normalizeHandle))].filter((h) => handleProblem(h)?.kind !== 'invalid');
      const found = new Map<string, PublicUser>();
      for (const user of await accounts.usersByHandles(wanted)) if (user.handle) found.set(user.handle, toPublicUser(user));
      return found;
    },
    async handleOf(userId) {
      const user = await records.getUser(userId);
      return user && user.deletedAt === null ? user.handle : null;
    },
  };
}
