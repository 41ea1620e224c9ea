// The contract every SessionStore implementation must pass (SQLite, PostgreSQL).
import { describe, expect, it } from 'vitest';
import { LEGACY_TOKEN_MAX_AGE_MS } from '../../server/store/sessions.ts';
import { type AccountsBackend, DAY, guest, iso, newId, session } from './account-fixtures.ts';

export function sessionStoreContract(name: string, open: () => Promise<AccountsBackend>): void {
  describe(`SessionStore contract: ${name}`, () => {
    it('records a session and finds it, with its user, while it works', async () => {
      const { store } = await open();
      const ann = await guest(store, 'Ann');
      const s = session(ann.id);
      expect(await store.sessions.createSession(s, 10)).toEqual([]);
      const now = iso(Date.now());
      const found = await store.sessions.activeSession(s.id, now);
      expect(found?.session).toEqual(s);
      expect(found?.user).toMatchObject({ id: ann.id, name: 'Ann', deletedAt: null });
      expect(await store.sessions.activeSession('nobody', now)).toBeNull();
      // Past its expiry it no longer works.
      expect(await store.sessions.activeSession(s.id, iso(Date.now() + 31 * DAY))).toBeNull();
      await expect(store.sessions.createSession(s, 10)).rejects.toThrow();
    });

    it('moves last seen and the expiry forward, and records the user agent', async () => {
      const { store } = await open();
      const ann = await guest(store);
      const s = session(ann.id);
      await store.sessions.createSession(s, 10);
      const later = Date.now() + 5 * DAY;
      await store.sessions.touchSession(s.id, iso(later), iso(later + 30 * DAY), 'Safari on iPhone');
      const found = await store.sessions.activeSession(s.id, iso(later));
      expect(found?.session).toMatchObject({ lastSeenAt: iso(later), expiresAt: iso(later + 30 * DAY), userAgent: 'Safari on iPhone' });
      await store.sessions.touchSession(s.id, iso(later + 1000), iso(later + 1000 + 30 * DAY));
      expect((await store.sessions.activeSession(s.id, iso(later)))?.session.userAgent).toBe('Safari on iPhone');
    });

    it('lists working sessions, most recently seen first; revokes only the owner’s', async () => {
      const { store } = await open();
      const ann = await guest(store, 'Ann');
      const bob = await guest(store, 'Bob');
      const old = session(ann.id, { lastSeenAt: iso(Date.now() - 3 * DAY) });
      const recent = session(ann.id);
      const bobs = session(bob.id);
      for (const s of [old, recent, bobs]) await store.sessions.createSession(s, 10);
      const now = iso(Date.now());
      expect((await store.sessions.listSessions(ann.id, now)).map((s) => s.id)).toEqual([recent.id, old.id]);
      // Bob cannot sign Ann out; nothing changes.
      expect(await store.sessions.revokeSession(bob.id, old.id, now)).toBe(false);
      expect(await store.sessions.activeSession(old.id, now)).not.toBeNull();
      expect(await store.sessions.revokeSession(ann.id, old.id, now)).toBe(true);
      expect(await store.sessions.revokeSession(ann.id, old.id, now)).toBe(false);
      expect(await store.sessions.activeSession(old.id, now)).toBeNull();
      expect((await store.sessions.listSessions(ann.id, now)).map((s) => s.id)).toEqual([recent.id]);
      expect(await store.sessions.workingSessions([old.id, recent.id, bobs.id, 'nobody'], now)).toEqual(new Set([recent.id, bobs.id]));
    });

    it('signs out everywhere (but one), and refuses old-format tokens issued before', async () => {
      const { store } = await open();
      const ann = await guest(store);
      const [a, b, c] = [session(ann.id), session(ann.id), session(ann.id)];
      for (const s of [a, b, c]) await store.sessions.createSession(s, 10);
      const at = Date.now();
      expect((await store.sessions.revokeUserSessions(ann.id, iso(at), c.id)).sort()).toEqual([a.id, b.id].sort());
      const now = iso(at + 1);
      expect(await store.sessions.workingSessions([a.id, b.id, c.id], now)).toEqual(new Set([c.id]));
      const before = { id: `v1-${newId()}`, userId: ann.id, issuedAt: iso(at - DAY), seenAt: now, expiresAt: iso(at + DAY), userAgent: '' };
      await store.sessions.migrateLegacySession(before);
      expect(await store.sessions.activeSession(before.id, now)).toBeNull();
      const after = { ...before, id: `v1-${newId()}`, issuedAt: iso(at + 1) };
      await store.sessions.migrateLegacySession(after);
      expect((await store.sessions.activeSession(after.id, now))?.session).toMatchObject({ legacy: true, createdAt: after.issuedAt });
      expect(await store.sessions.revokeUserSessions(ann.id, iso(at + 2))).toEqual(expect.arrayContaining([c.id, after.id]));
      expect(await store.sessions.workingSessions([c.id, after.id], iso(at + 3))).toEqual(new Set());
    });

    it('migrates an old-format token once; a revoked one stays revoked; a deleted user gets none', async () => {
      const { store } = await open();
      const ann = await guest(store);
      const now = Date.now();
      const legacy = {
        id: `v1-${newId()}`,
        userId: ann.id,
        issuedAt: iso(now - DAY),
        seenAt: iso(now),
        expiresAt: iso(now + DAY),
        userAgent: 'x',
      };
      await store.sessions.migrateLegacySession(legacy);
      await store.sessions.migrateLegacySession({ ...legacy, userAgent: 'y' });
      expect((await store.sessions.activeSession(legacy.id, iso(now)))?.session.userAgent).toBe('x');
      await store.sessions.revokeSession(ann.id, legacy.id, iso(now));
      await store.sessions.migrateLegacySession(legacy);
      expect(await store.sessions.activeSession(legacy.id, iso(now))).toBeNull();
      // Pruning keeps the revoked record while the old token could still be presented.
      await store.sessions.pruneSessions(iso(now + 2 * DAY));
      await store.sessions.migrateLegacySession(legacy);
      expect(await store.sessions.activeSession(legacy.id, iso(now))).toBeNull();

      const bob = await guest(store, 'Bob');
      await store.accounts.deleteAccount({
        userId: bob.id,
        at: iso(now),
        holdUntil: iso(now + DAY),
        tombstone: { name: 'deleted user', color: '#94a3b8' },
      });
      const bobs = { ...legacy, id: `v1-${newId()}`, userId: bob.id };
      await store.sessions.migrateLegacySession(bobs);
      expect(await store.sessions.activeSession(bobs.id, iso(now))).toBeNull();
    });

    it('keeps at most maxPerUser working sessions, revoking the least recently seen', async () => {
      const { store } = await open();
      const ann = await guest(store);
      const now = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const s = session(ann.id, { createdAt: iso(now + i), lastSeenAt: iso(now + i) });
        ids.push(s.id);
        expect(await store.sessions.createSession(s, 3)).toEqual([]);
      }
      const fourth = session(ann.id, { createdAt: iso(now + 10), lastSeenAt: iso(now + 10) });
      expect(await store.sessions.createSession(fourth, 3)).toEqual([ids[0]]);
      expect((await store.sessions.listSessions(ann.id, iso(now + 11))).map((s) => s.id)).toEqual([fourth.id, ids[2], ids[1]]);
    });

    it('prunes expired sessions', async () => {
      const { store } = await open();
      const ann = await guest(store);
      const now = Date.now();
      const expired = session(ann.id, { expiresAt: iso(now - 1000) });
      const live = session(ann.id);
      await store.sessions.createSession(expired, 10);
      await store.sessions.createSession(live, 10);
      expect(await store.sessions.pruneSessions(iso(now))).toBe(1);
      const legacy = {
        id: `v1-${newId()}`,
        userId: ann.id,
        issuedAt: iso(now - DAY),
        seenAt: iso(now),
        expiresAt: iso(now + DAY),
        userAgent: '',
      };
      await store.sessions.migrateLegacySession(legacy);
      // A legacy record goes only once its token has expired too.
      expect(await store.sessions.pruneSessions(iso(now + 2 * DAY))).toBe(0);
      expect(await store.sessions.pruneSessions(iso(now + LEGACY_TOKEN_MAX_AGE_MS))).toBe(2);
    });
  });
}
