// The contract every AccountStore implementation must pass (SQLite, PostgreSQL):
// credentials, handles and holds, profiles' queries, export rows, and
// deletion — whole, or not at all.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/store.ts';
import { handleSkeleton } from '../../shared/handles.ts';
import { workToInsert } from '../helpers/work-to-insert.ts';
import { type AccountsBackend, account, DAY, guest, iso, newId, passkey, session } from './account-fixtures.ts';

const TOMBSTONE = { name: 'deleted user', color: '#94a3b8' };

async function room(store: Store, ownerId: string): Promise<string> {
  const id = newId();
  await store.records.createRoom({ id, title: 'R', ownerId, linkAccess: 'edit', remixOf: null, createdAt: new Date().toISOString() }, [
    { code: newId(), roomId: id, role: 'view', createdAt: new Date().toISOString() },
  ]);
  return id;
}

function handleChange(userId: string, handle: string, at = Date.now()) {
  return { userId, handle, key: handleSkeleton(handle), at: iso(at), holdUntil: iso(at + 30 * DAY) };
}

export function accountStoreContract(name: string, open: () => Promise<AccountsBackend>): void {
  describe(`AccountStore contract: ${name}`, () => {
    it('adds passkeys (the user becomes an account); a credential id is registered once, to anyone', async () => {
      const { store } = await open();
      const ann = await guest(store, 'Ann');
      const bob = await guest(store, 'Bob');
      const key = passkey(ann.id);
      expect(await store.accounts.addPasskey(key)).toBe('added');
      expect((await store.records.getUser(ann.id))?.accountAt).toBe(key.createdAt);
      expect(await store.accounts.getPasskey(key.id)).toEqual(key);
      expect(await store.accounts.addPasskey({ ...key, userId: bob.id })).toBe('duplicate');
      expect(await store.accounts.listPasskeys(bob.id)).toEqual([]);
      expect((await store.records.getUser(bob.id))?.accountAt).toBeNull();
      await store.accounts.usePasskey(key.id, 7, iso(Date.now()));
      expect(await store.accounts.getPasskey(key.id)).toMatchObject({ counter: 7 });
      expect(await store.accounts.renamePasskey(bob.id, key.id, 'mine now')).toBe(false);
      expect(await store.accounts.renamePasskey(ann.id, key.id, 'Laptop')).toBe(true);
      expect((await store.accounts.listPasskeys(ann.id)).map((p) => p.name)).toEqual(['Laptop']);
    });

    it('links identities, creating their user in the same transaction; a duplicate creates nobody', async () => {
      const { store } = await open();
      const at = iso(Date.now());
      const fresh = { id: newId(), name: 'Oidc User', color: '#123456', createdAt: at };
      const identity = {
        id: newId(),
        issuer: 'https://id.example',
        subject: 'sub-1',
        userId: fresh.id,
        email: 'a@x',
        name: 'A',
        createdAt: at,
        lastUsedAt: at,
      };
      expect(await store.accounts.addIdentity(identity, fresh)).toBe('added');
      expect((await store.records.getUser(fresh.id))?.accountAt).toBe(at);
      expect(await store.accounts.getIdentity('https://id.example', 'sub-1')).toEqual(identity);
      const other = { ...fresh, id: newId() };
      expect(await store.accounts.addIdentity({ ...identity, id: newId(), userId: other.id }, other)).toBe('duplicate');
      expect(await store.records.getUser(other.id)).toBeNull();
      expect(await store.accounts.getIdentity('https://id.example', 'sub-2')).toBeNull();
    });

    it('removes a credential of its owner only, never the last way to sign in', async () => {
      const { store } = await open();
      const ann = await guest(store, 'Ann');
      const bob = await account(store, 'Bob');
      const one = passkey(ann.id);
      await store.accounts.addPasskey(one);
      expect(await store.accounts.removeCredential(ann.id, { kind: 'passkey', id: one.id })).toBe('last');
      const [bobs] = await store.accounts.listPasskeys(bob.id);
      expect(await store.accounts.removeCredential(ann.id, { kind: 'passkey', id: bobs!.id })).toBe('not_found');
      const at = iso(Date.now());
      const identity = {
        id: newId(),
        issuer: 'https://id.example',
        subject: 's',
        userId: ann.id,
        email: null,
        name: null,
        createdAt: at,
        lastUsedAt: null,
      };
      await store.accounts.addIdentity(identity);
      expect(await store.accounts.removeCredential(ann.id, { kind: 'passkey', id: one.id })).toBe('removed');
      expect(await store.accounts.removeCredential(ann.id, { kind: 'identity', id: identity.id })).toBe('last');
      expect(await store.accounts.listIdentities(ann.id)).toEqual([identity]);
      expect(await store.accounts.listPasskeys(bob.id)).toHaveLength(1);
    });

    it('gives handles to accounts only, unique under look-alikes, and holds an old one for its owner', async () => {
      const { store } = await open();
      const guestUser = await guest(store, 'Guest');
      const ann = await account(store, 'Ann');
      const bob = await account(store, 'Bob');
      expect(await store.accounts.setHandle(handleChange(guestUser.id, 'guesty'))).toEqual({ ok: false, reason: 'not_account' });
      expect(await store.accounts.setHandle(handleChange('nobody', 'nobody1'))).toEqual({ ok: false, reason: 'no_user' });
      const set = await store.accounts.setHandle(handleChange(ann.id, 'alice'));
      expect(set.ok && set.user.handle).toBe('alice');
      for (const lookalike of ['alice', 'a1ice', 'al_ice', 'aiice', 'ALICE'.toLowerCase()]) {
        expect(await store.accounts.setHandle(handleChange(bob.id, lookalike))).toEqual({ ok: false, reason: 'taken' });
      }
      // A handle may not be another user's id either (/u/<id> would then be ambiguous).
      const lowerId = { id: 'abcdefghijklmnopqrstuv', name: 'Lower', color: '#123456', createdAt: iso(Date.now()) };
      await store.records.createUser(lowerId);
      expect(await store.accounts.setHandle(handleChange(bob.id, lowerId.id))).toEqual({ ok: false, reason: 'taken' });
      // Ann moves to a new handle: the old one is hers for 30 days, to nobody else.
      const now = Date.now();
      expect((await store.accounts.setHandle(handleChange(ann.id, 'alice_paints', now))).ok).toBe(true);
      expect(await store.accounts.setHandle(handleChange(bob.id, 'alice', now + DAY))).toEqual({ ok: false, reason: 'taken' });
      expect((await store.accounts.findByHandle('alice', handleSkeleton('alice'), iso(now + DAY)))?.id).toBe(ann.id);
      expect((await store.accounts.findByHandle('a1ice', handleSkeleton('a1ice'), iso(now + DAY)))?.id).toBe(ann.id);
      expect((await store.accounts.findByHandle('alice_paints', handleSkeleton('alice_paints'), iso(now)))?.id).toBe(ann.id);
      // She may take it back herself; after the hold anyone may take it.
      expect((await store.accounts.setHandle(handleChange(ann.id, 'alice', now + DAY))).ok).toBe(true);
      expect((await store.accounts.setHandle(handleChange(ann.id, 'annie', now + 2 * DAY))).ok).toBe(true);
      expect(await store.accounts.findByHandle('alice', handleSkeleton('alice'), iso(now + 40 * DAY))).toBeNull();
      const taken = await store.accounts.setHandle(handleChange(bob.id, 'alice', now + 40 * DAY));
      expect(taken.ok && taken.user.handle).toBe('alice');
      expect(await store.accounts.findByHandle('nobody_here', handleSkeleton('nobody_here'), iso(now))).toBeNull();
    });

    it('finds the works a user authored, newest first, with their counts and likes', async () => {
      const { store } = await open();
      const ann = await guest(store, 'Ann');
      const bob = await guest(store, 'Bob');
      const r = await room(store, ann.id);
      const a = await store.gallery.insertWork(workToInsert(r, [ann.id]));
      const b = await store.gallery.insertWork(workToInsert(r, [bob.id, ann.id]));
      await store.gallery.insertWork(workToInsert(r, [bob.id]));
      await store.gallery.like(a.id, bob.id);
      await store.gallery.like(b.id, bob.id);
      await store.gallery.like(b.id, ann.id);
      expect((await store.gallery.listWorksByAuthor(ann.id, 10)).map((w) => w.id)).toEqual([b.id, a.id]);
      expect((await store.gallery.listWorksByAuthor(ann.id, 1, b.seq)).map((w) => w.id)).toEqual([a.id]);
      expect(await store.gallery.authorStats(ann.id)).toEqual({ works: 2, likes: 3 });
      await store.gallery.deleteWork(a.id, iso(Date.now()));
      expect(await store.gallery.authorStats(ann.id)).toEqual({ works: 1, likes: 2 });
      expect(await store.gallery.authorStats(newId())).toEqual({ works: 0, likes: 0 });
      // Authors carry their handle once they have one.
      await store.accounts.addPasskey(passkey(bob.id));
      await store.accounts.setHandle(handleChange(bob.id, 'bob_draws'));
      const [latest] = await store.gallery.listWorksByAuthor(ann.id, 1);
      expect(latest?.authors).toEqual([
        { id: bob.id, name: 'Bob', color: '#123456', handle: 'bob_draws' },
        { id: ann.id, name: 'Ann', color: '#123456' },
      ]);
    });

    it('deletes an account whole: what was theirs alone goes, what they made with others stays, credited to "deleted user"', async () => {
      const { store } = await open();
      const w = await deletionWorld(store);
      const at = Date.now();
      const deleted = await store.accounts.deleteAccount({
        userId: w.ann.id,
        at: iso(at),
        holdUntil: iso(at + 30 * DAY),
        tombstone: TOMBSTONE,
      });
      expect(deleted?.removedWorks).toEqual([w.solo.id]);
      expect(deleted?.removedRooms).toEqual([w.soloRoom]);
      expect(deleted?.unliked).toEqual([{ id: w.bobs.id, likes: 0 }]);
      expect((await store.gallery.getWork(w.solo.id))?.state).toBe('deleted');
      const shared = await store.gallery.getWork(w.shared.id);
      expect(shared?.state === 'live' && shared.work.authors).toEqual([
        { id: w.ann.id, name: 'deleted user', color: '#94a3b8' },
        { id: w.bob.id, name: 'Bob', color: '#123456' },
      ]);
      const bobsWork = await store.gallery.getWork(w.bobs.id);
      expect(bobsWork?.state === 'live' && bobsWork.work.likes).toBe(0);
      expect(await store.gallery.likedBy(w.ann.id, [w.bobs.id, w.shared.id])).toEqual(new Set());
      const now = iso(at + 1);
      expect(await store.sessions.activeSession(w.annSession.id, now)).toBeNull();
      expect(await store.accounts.listPasskeys(w.ann.id)).toEqual([]);
      expect(await store.accounts.getIdentity('https://id.example', 'ann')).toBeNull();
      expect(await store.records.getRoom(w.soloRoom)).toBeNull();
      expect((await store.docLog.load(w.soloRoom)).entries).toBe(0);
      expect(await store.records.getRoom(w.sharedRoom)).not.toBeNull();
      expect((await store.docLog.load(w.sharedRoom)).entries).toBe(1);
      expect(await store.records.getMembership(w.bobsRoom, w.ann.id)).toBeNull();
      expect(await store.records.getUser(w.ann.id)).toMatchObject({
        name: 'deleted user',
        handle: null,
        bio: '',
        accountAt: null,
        deletedAt: iso(at),
      });
      // Her handle is held: nobody takes it for a while, and it names nobody.
      expect(await store.accounts.findByHandle('ann', handleSkeleton('ann'), now)).toBeNull();
      const cid = await account(store, 'Cid');
      expect(await store.accounts.setHandle(handleChange(cid.id, 'ann'))).toEqual({ ok: false, reason: 'taken' });
      expect(await store.records.updateUser(w.ann.id, { name: 'Back' })).toBeNull();
      expect(await store.accounts.deleteAccount({ userId: w.ann.id, at: now, holdUntil: now, tombstone: TOMBSTONE })).toBeNull();
      expect(await store.accounts.exportRows(w.bob.id)).toMatchObject({
        likes: [{ workId: w.shared.id }],
        follows: { following: [], followers: [] },
      });
      // Her social traces are gone; Bob's own comment stays.
      expect(await store.social.graph.counts(w.bob.id)).toEqual({ followers: 0, following: 0 });
      expect(await store.social.comments.get(w.annsComment?.id ?? '')).toBeNull();
      expect(await store.social.comments.get(w.bobsComment?.id ?? '')).not.toBeNull();
      expect(await store.social.notifications.unread(w.bob.id)).toBe(0);
      expect(await store.social.moderation.openReportsOf({ type: 'work', id: w.bobs.id })).toBe(0);
    });

    it('a deletion that fails half-way changes nothing', async () => {
      const backend = await open();
      const { store } = backend;
      const w = await deletionWorld(store);
      const before = await snapshot(store, w);
      // Identities are deleted late in the transaction: works, likes and sessions went before it.
      await backend.breakDeletesOn('identities');
      const at = Date.now();
      await expect(
        store.accounts.deleteAccount({ userId: w.ann.id, at: iso(at), holdUntil: iso(at + DAY), tombstone: TOMBSTONE }),
      ).rejects.toThrow();
      expect(await snapshot(store, w)).toEqual(before);
    });

    it('exports the rows that are only the user’s: rooms owned (listed or not), likes, memberships', async () => {
      const { store } = await open();
      const w = await deletionWorld(store);
      await store.live.setListed(w.soloRoom, true, iso(Date.now()));
      const rows = await store.accounts.exportRows(w.ann.id);
      const owned = Object.fromEntries(rows.roomsOwned.map((r) => [r.id, r.listed]));
      expect(owned).toEqual({ [w.soloRoom]: true, [w.sharedRoom]: false });
      expect(rows.likes.map((l) => l.workId)).toEqual([w.bobs.id]);
      expect(rows.memberships).toEqual([{ roomId: w.bobsRoom, role: 'editor', joinedAt: expect.any(String) }]);
      expect(rows.comments).toEqual([
        expect.objectContaining({ id: w.annsComment?.id, workId: w.bobs.id, body: 'Lovely', parentId: null }),
      ]);
      expect(rows.follows).toEqual({
        following: [{ userId: w.bob.id, since: expect.any(String) }],
        followers: [{ userId: w.bob.id, since: expect.any(String) }],
      });
    });
  });
}

/** Ann's account and everything it touches, with Bob beside her. */
async function deletionWorld(store: Store) {
  const ann = await account(store, 'Ann');
  const bob = await guest(store, 'Bob');
  const at = iso(Date.now());
  await store.accounts.addIdentity({
    id: newId(),
    issuer: 'https://id.example',
    subject: 'ann',
    userId: ann.id,
    email: null,
    name: null,
    createdAt: at,
    lastUsedAt: null,
  });
  await store.accounts.setHandle(handleChange(ann.id, 'ann'));
  const annSession = session(ann.id);
  await store.sessions.createSession(annSession, 10);
  const soloRoom = await room(store, ann.id);
  await store.docLog.append(soloRoom, [new Uint8Array([0, 0])]);
  await store.gallery.addContributor(soloRoom, ann.id);
  const solo = await store.gallery.insertWork(workToInsert(soloRoom, [ann.id]));
  const sharedRoom = await room(store, ann.id);
  await store.docLog.append(sharedRoom, [new Uint8Array([0, 0])]);
  await store.gallery.addContributor(sharedRoom, ann.id);
  await store.gallery.addContributor(sharedRoom, bob.id);
  const shared = await store.gallery.insertWork(workToInsert(sharedRoom, [ann.id, bob.id]));
  const bobsRoom = await room(store, bob.id);
  await store.records.rememberMembership(bobsRoom, ann.id, 'editor');
  const bobs = await store.gallery.insertWork(workToInsert(bobsRoom, [bob.id]));
  await store.gallery.like(bobs.id, ann.id);
  await store.gallery.like(shared.id, bob.id);
  // The social layer: follows both ways, a comment of hers with Bob's reply, notifications both ways, a report she filed.
  const social = store.social;
  await social.graph.follow(ann.id, bob.id, at);
  await social.graph.follow(bob.id, ann.id, at);
  const annsComment = await social.comments.insert({
    id: newId(),
    workId: bobs.id,
    parentId: null,
    authorId: ann.id,
    body: 'Lovely',
    mentionIds: [],
    createdAt: at,
  });
  const bobsComment = await social.comments.insert({
    id: newId(),
    workId: bobs.id,
    parentId: null,
    authorId: bob.id,
    body: 'Thanks all',
    mentionIds: [],
    createdAt: at,
  });
  await social.notifications.add({ id: newId(), recipientId: bob.id, type: 'follow', actorId: ann.id, createdAt: at });
  await social.notifications.add({ id: newId(), recipientId: ann.id, type: 'follow', actorId: bob.id, createdAt: at });
  await social.moderation.addReport({
    id: newId(),
    reporterId: ann.id,
    target: { type: 'work', id: bobs.id },
    reason: 'spam',
    note: null,
    createdAt: at,
  });
  return { ann, bob, annSession, soloRoom, sharedRoom, bobsRoom, solo, shared, bobs, annsComment, bobsComment };
}

/** Everything a deletion of Ann would change. */
async function snapshot(store: Store, w: Awaited<ReturnType<typeof deletionWorld>>) {
  const now = iso(Date.now());
  return {
    user: await store.records.getUser(w.ann.id),
    session: await store.sessions.activeSession(w.annSession.id, now),
    passkeys: await store.accounts.listPasskeys(w.ann.id),
    identities: await store.accounts.listIdentities(w.ann.id),
    works: await Promise.all([w.solo, w.shared, w.bobs].map((x) => store.gallery.getWork(x.id))),
    liked: await store.gallery.likedBy(w.ann.id, [w.bobs.id]),
    rooms: await Promise.all([w.soloRoom, w.sharedRoom].map((id) => store.records.getRoom(id))),
    log: (await store.docLog.load(w.soloRoom)).entries,
    membership: await store.records.getMembership(w.bobsRoom, w.ann.id),
    follows: await store.social.graph.counts(w.ann.id),
    comment: await store.social.comments.get(w.annsComment?.id ?? ''),
    notifications: await store.social.notifications.unread(w.bob.id),
    reports: await store.social.moderation.openReportsOf({ type: 'work', id: w.bobs.id }),
    byHandle: (await store.accounts.findByHandle('ann', handleSkeleton('ann'), now))?.id,
  };
}
