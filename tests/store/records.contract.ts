// The contract every RecordStore implementation must pass (SQLite, PostgreSQL).
import { describe, expect, it, onTestFinished } from 'vitest';
import type { InviteRecord, NewUser, RecordStore, RoomRecord, UserRecord } from '../../server/store/records.ts';

export interface RecordsBackend {
  records: RecordStore;
  destroy(): Promise<void>;
}

let counter = 0;
const id = (prefix: string) => `${prefix}${(++counter).toString().padStart(4, '0')}${Math.random().toString(36).slice(2, 8)}`;

function user(name = 'Ann'): NewUser & { shareSignals: boolean } {
  return { id: id('u'), name, color: '#123456', createdAt: new Date().toISOString(), shareSignals: false };
}

/** A new user as the store reads it back: a guest, nothing set. */
function stored(u: NewUser): UserRecord {
  return {
    handle: null,
    bio: '',
    avatarUrl: null,
    accountAt: null,
    deletedAt: null,
    ...u,
    shareSignals: u.shareSignals ?? false,
  };
}

function room(ownerId: string, createdAt = new Date().toISOString()): { room: RoomRecord; invites: InviteRecord[] } {
  const r: RoomRecord = { id: id('r'), title: 'Untitled', ownerId, linkAccess: 'edit', remixOf: null, createdAt };
  return {
    room: r,
    invites: [
      { code: id('e'), roomId: r.id, role: 'edit', createdAt },
      { code: id('v'), roomId: r.id, role: 'view', createdAt },
    ],
  };
}

export function recordStoreContract(name: string, createBackend: () => Promise<RecordsBackend>): void {
  describe(`RecordStore contract: ${name}`, () => {
    async function open(): Promise<RecordStore> {
      const backend = await createBackend();
      onTestFinished(() => backend.destroy());
      return backend.records;
    }

    it('creates, reads and updates users; unknown ids are null', async () => {
      const records = await open();
      const ann = user('Ann');
      await records.createUser(ann);
      expect(await records.getUser(ann.id)).toEqual(stored(ann));
      expect(await records.getUser('nobody')).toBeNull();
      expect(await records.updateUser(ann.id, { name: 'Anna' })).toEqual(stored({ ...ann, name: 'Anna' }));
      expect(await records.updateUser(ann.id, { color: '#abcdef' })).toEqual(stored({ ...ann, name: 'Anna', color: '#abcdef' }));
      const withBio = await records.updateUser(ann.id, { bio: 'Painter.', avatarUrl: `/media/${'a'.repeat(64)}.webp` });
      expect(withBio).toEqual({
        ...stored({ ...ann, name: 'Anna', color: '#abcdef' }),
        bio: 'Painter.',
        avatarUrl: `/media/${'a'.repeat(64)}.webp`,
      });
      // A patch that does not name the avatar leaves it; null removes it.
      expect((await records.updateUser(ann.id, { name: 'Ann' }))?.avatarUrl).toBe(`/media/${'a'.repeat(64)}.webp`);
      expect((await records.updateUser(ann.id, { avatarUrl: null }))?.avatarUrl).toBeNull();
      expect(await records.updateUser('nobody', { name: 'x' })).toBeNull();
      await expect(records.createUser(ann)).rejects.toThrow();
    });

    it('keeps consent to share signals: off unless given, changed only by a patch that names it', async () => {
      const records = await open();
      const { shareSignals: _omitted, ...bob } = user('Bob');
      await records.createUser(bob);
      expect((await records.getUser(bob.id))?.shareSignals).toBe(false);
      expect(await records.updateUser(bob.id, { shareSignals: true })).toEqual(stored({ ...bob, shareSignals: true }));
      expect(await records.updateUser(bob.id, { name: 'Bo' })).toEqual(stored({ ...bob, name: 'Bo', shareSignals: true }));
      expect(await records.updateUser(bob.id, { shareSignals: false })).toEqual(stored({ ...bob, name: 'Bo', shareSignals: false }));
      const cid = { ...user('Cid'), shareSignals: true };
      await records.createUser(cid);
      expect(await records.getUser(cid.id)).toEqual(stored(cid));
    });

    it('creates rooms with their invites and updates title and link access', async () => {
      const records = await open();
      const owner = user();
      await records.createUser(owner);
      const { room: r, invites } = room(owner.id);
      await records.createRoom(r, invites);
      expect(await records.getRoom(r.id)).toEqual(r);
      expect(await records.getRoom('none')).toBeNull();
      expect((await records.getInvites(r.id)).map((i) => i.role).sort()).toEqual(['edit', 'view']);
      expect(await records.getInvite(invites[0]!.code)).toEqual(invites[0]);
      expect(await records.getInvite('nope')).toBeNull();
      expect(await records.updateRoom(r.id, { title: 'Sea' })).toEqual({ ...r, title: 'Sea' });
      expect(await records.updateRoom(r.id, { linkAccess: 'none' })).toEqual({ ...r, title: 'Sea', linkAccess: 'none' });
      expect(await records.updateRoom('none', { title: 'x' })).toBeNull();
    });

    it('a failed room creation leaves neither the room nor any invite', async () => {
      const records = await open();
      const owner = user();
      await records.createUser(owner);
      const { room: r, invites } = room(owner.id);
      const clash = { ...invites[1]!, code: invites[0]!.code };
      await expect(records.createRoom(r, [invites[0]!, clash])).rejects.toThrow();
      expect(await records.getRoom(r.id)).toBeNull();
      expect(await records.getInvite(invites[0]!.code)).toBeNull();
    });

    it('remembers memberships, raising a viewer to editor but never lowering', async () => {
      const records = await open();
      const owner = user();
      const guest = user('Guest');
      await records.createUser(owner);
      await records.createUser(guest);
      const { room: r, invites } = room(owner.id);
      await records.createRoom(r, invites);
      expect(await records.getMembership(r.id, guest.id)).toBeNull();
      await records.rememberMembership(r.id, guest.id, 'viewer');
      expect(await records.getMembership(r.id, guest.id)).toBe('viewer');
      await records.rememberMembership(r.id, guest.id, 'editor');
      expect(await records.getMembership(r.id, guest.id)).toBe('editor');
      await records.rememberMembership(r.id, guest.id, 'viewer');
      expect(await records.getMembership(r.id, guest.id)).toBe('editor');
    });

    it('lists the rooms a user owns or joined, newest first, with their role', async () => {
      const records = await open();
      const ann = user('Ann');
      const bob = user('Bob');
      await records.createUser(ann);
      await records.createUser(bob);
      const older = room(ann.id, '2026-01-01T00:00:00.000Z');
      const newer = room(bob.id, '2026-02-01T00:00:00.000Z');
      const unrelated = room(bob.id, '2026-03-01T00:00:00.000Z');
      for (const r of [older, newer, unrelated]) await records.createRoom(r.room, r.invites);
      await records.rememberMembership(newer.room.id, ann.id, 'viewer');
      const listed = await records.listRooms(ann.id, 10);
      expect(listed.map((r) => [r.id, r.role])).toEqual([
        [newer.room.id, 'viewer'],
        [older.room.id, 'owner'],
      ]);
      expect(await records.listRooms(ann.id, 1)).toHaveLength(1);
    });
  });
}
