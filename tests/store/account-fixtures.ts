// What the sessions and accounts contract suites run against: a whole store,
// and a way to run SQL beside it (to break a statement on purpose).
import { randomBytes } from 'node:crypto';
import type { PasskeyRecord } from '../../server/store/accounts.ts';
import type { NewUser } from '../../server/store/records.ts';
import type { SessionRecord } from '../../server/store/sessions.ts';
import type { Store } from '../../server/store/store.ts';

export interface AccountsBackend {
  store: Store;
  /**
   * Makes every DELETE on `table` fail from now on, as a crash or a lost
   * connection in the middle of a transaction would.
   */
  breakDeletesOn(table: string): Promise<void>;
}

export const newId = () => randomBytes(16).toString('base64url');
export const iso = (ms: number) => new Date(ms).toISOString();
export const DAY = 24 * 60 * 60 * 1000;

export async function guest(store: Store, name = 'Ann'): Promise<NewUser> {
  const user = { id: newId(), name, color: '#123456', createdAt: new Date().toISOString() };
  await store.records.createUser(user);
  return user;
}

export function session(userId: string, over: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: newId(),
    userId,
    createdAt: iso(now),
    lastSeenAt: iso(now),
    expiresAt: iso(now + 30 * DAY),
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    legacy: false,
    ...over,
  };
}

export function passkey(userId: string, over: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    id: randomBytes(20).toString('base64url'),
    userId,
    publicKey: new Uint8Array(randomBytes(77)),
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'multiDevice',
    backedUp: true,
    name: 'Chrome on Linux',
    createdAt: new Date().toISOString(),
    lastUsedAt: null,
    ...over,
  };
}

/** An account: a guest with one passkey. */
export async function account(store: Store, name = 'Ann'): Promise<NewUser> {
  const user = await guest(store, name);
  await store.accounts.addPasskey(passkey(user.id));
  return user;
}
