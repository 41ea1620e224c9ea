// DELETE /api/account: the store deletes everything in one transaction
// (AccountStore.deleteAccount); then every node forgets the user's sessions
// and closes their connections, the gallery's feeds and listeners hear
// which works went and which like counts changed, and other modules hear what
// else went (the social layer: which comments, for open work pages).
import type { Listeners } from '../listeners.ts';
import { DELETED_USER } from '../auth/users.ts';
import type { Sessions } from '../auth/sessions.ts';
import { AppError } from '../errors.ts';
import type { Gallery } from '../gallery/gallery.ts';
import type { AccountStore, DeletedAccount } from '../store/accounts.ts';

/** Told once an account is gone. */
export interface AccountListener {
  closed?(userId: string, deleted: DeletedAccount): void;
}

export interface AccountClosingDeps {
  accounts: AccountStore;
  sessions: Sessions;
  gallery: Gallery;
  /** How long the account's handle stays untaken. */
  handleHoldMs: number;
  events: Listeners<AccountListener>;
}

export async function closeAccount(deps: AccountClosingDeps, userId: string): Promise<void> {
  const at = Date.now();
  const deleted = await deps.accounts.deleteAccount({
    userId,
    at: new Date(at).toISOString(),
    holdUntil: new Date(at + deps.handleHoldMs).toISOString(),
    tombstone: DELETED_USER,
  });
  if (!deleted) throw new AppError('not_found', 'no such account');
  await deps.sessions.userRevoked(userId);
  deps.gallery.accountRemoved(deleted);
  deps.events.emit('closed', userId, deleted);
}
