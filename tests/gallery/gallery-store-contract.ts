// What every GalleryStore must do, whatever its backend: the PostgreSQL store
// runs this same suite (galleryStoreContract('postgres', open)).
import { describe, expect, it } from 'vitest';
import type { Layer } from '../../shared/doc-schema.ts';
import type { NewWork } from '../../server/store/gallery.ts';
import type { NewUser } from '../../server/store/records.ts';
import type { Store } from '../../server/store/store.ts';
import { workToInsert } from '../helpers/work-to-insert.ts';

export function galleryStoreContract(name: string, open: () => Promise<Store>): void {
  let counter = 0;
  const id = (prefix: string) => `${prefix}${String(++counter).padStart(22 - prefix.length, '0')}`;

  async function world() {
    const store = await open();
    const users: NewUser[] = [];
    for (const userName of ['Ann', 'Bob', 'Cid']) {
      const user = { id: id('u'), name: userName, color: '#123456', createdAt: new Date().toISOString(), shareSignals: false };
      await store.records.createUser(user);
      users.push(user);
    }
    const room = {
      id: id('r'),
      title: 'R',
      ownerId: users[0]!.id,
      linkAccess: 'edit' as const,
      remixOf: null,
      createdAt: new Date().toISOString(),
    };
    await store.records.createRoom(room, [{ code: id('i'), roomId: room.id, role: 'view', createdAt: room.createdAt }]);
    const layer: Layer = {
      id: 'l1',
      name: 'one',
      src: `/media/${'a'.repeat(64)}.png`,
      visible: true,
      opacity: 0.5,
      blend: 'multiply',
      x: 1,
      y: 2,
      scale: 1.5,
      rotation: 30,
      createdBy: users[0]!.id,
    };
    const newWork = (fields: Partial<NewWork> = {}): NewWork =>
      workToInsert(room.id, [users[0]!.id], {
        id: id('w'),
        title: 'T',
        description: 'D',
        prompt: 'P',
        height: 48,
        layers: [layer],
        state: new Uint8Array([1, 2, 3, 250]),
        ...fields,
      });
    return { store, users, room, layer, newWork };
  }

  describe(`GalleryStore contract: ${name}`, () => {
    it('remembers contributors once each, first contribution first', async () => {
      const { store, users, room } = await world();
      const [ann, bob, cid] = users;
      await store.gallery.addContributor(room.id, bob!.id);
      await store.gallery.addContributor(room.id, ann!.id);
      await store.gallery.addContributor(room.id, bob!.id);
      await store.gallery.addContributor(room.id, cid!.id);
      expect(await store.gallery.listContributors(room.id)).toEqual([bob!.id, ann!.id, cid!.id]);
      expect(await store.gallery.listContributors(id('r'))).toEqual([]);
    });

    it('stores a work and reads it back with its authors (current names), layers and state', async () => {
      const { store, users, newWork, layer } = await world();
      const input = newWork({ authorIds: [users[1]!.id, users[0]!.id] });
      const stored = await store.gallery.insertWork(input);
      expect(stored).toMatchObject({
        id: input.id,
        title: 'T',
        likes: 0,
        remixOf: null,
        parent: null,
        width: 64,
        height: 48,
        placeholder: '#abcdef',
      });
      expect(stored.authors.map((a) => a.name)).toEqual(['Bob', 'Ann']);
      await store.records.updateUser(users[1]!.id, { name: 'Robert' });
      const found = await store.gallery.getWork(input.id);
      expect(found?.state).toBe('live');
      if (found?.state === 'live') expect(found.work.authors.map((a) => a.name)).toEqual(['Robert', 'Ann']);
      const source = await store.gallery.getWorkSource(input.id);
      expect(source?.layers).toEqual([layer]);
      expect(new Uint8Array(source!.state)).toEqual(input.state);
      expect(await store.gallery.getWork(id('w'))).toBeNull();
    });

    it('lists by seq or by (likes, seq), after any position', async () => {
      const { store, users, newWork } = await world();
      const works = [];
      for (let i = 0; i < 4; i++) works.push(await store.gallery.insertWork(newWork({ title: `w${i}` })));
      expect(works.map((w) => w.seq)).toEqual([...works.map((w) => w.seq)].sort((a, b) => a - b));
      await store.gallery.like(works[1]!.id, users[0]!.id);
      await store.gallery.like(works[1]!.id, users[1]!.id);
      await store.gallery.like(works[2]!.id, users[0]!.id);
      const titles = (list: { title: string }[]) => list.map((w) => w.title);
      const newest = await store.gallery.listWorks({ sort: 'new', limit: 10 });
      expect(titles(newest)).toEqual(['w3', 'w2', 'w1', 'w0']);
      expect(titles(await store.gallery.listWorks({ sort: 'new', limit: 2, after: { sort: 'new', seq: works[2]!.seq } }))).toEqual([
        'w1',
        'w0',
      ]);
      const top = await store.gallery.listWorks({ sort: 'top', limit: 10 });
      expect(top.map((w) => [w.title, w.likes])).toEqual([
        ['w1', 2],
        ['w2', 1],
        ['w3', 0],
        ['w0', 0],
      ]);
      expect(
        titles(await store.gallery.listWorks({ sort: 'top', limit: 10, after: { sort: 'top', likes: 1, seq: works[2]!.seq } })),
      ).toEqual(['w3', 'w0']);
      expect(
        titles(await store.gallery.listWorks({ sort: 'top', limit: 1, after: { sort: 'top', likes: 0, seq: works[3]!.seq } })),
      ).toEqual(['w0']);
    });

    it('lists keys in the same order as works, and reads live works by id', async () => {
      const { store, users, newWork } = await world();
      const works = [];
      for (let i = 0; i < 3; i++) works.push(await store.gallery.insertWork(newWork({ title: `k${i}` })));
      await store.gallery.like(works[0]!.id, users[1]!.id);
      for (const sort of ['new', 'top'] as const) {
        const full = await store.gallery.listWorks({ sort, limit: 10 });
        expect(await store.gallery.listWorkKeys({ sort, limit: 10 })).toEqual(full.map((w) => ({ id: w.id, seq: w.seq, likes: w.likes })));
      }
      await store.gallery.deleteWork(works[1]!.id, new Date().toISOString());
      const found = await store.gallery.getWorks([works[0]!.id, works[1]!.id, works[2]!.id, id('w')]);
      expect(found.map((w) => w.title).sort()).toEqual(['k0', 'k2']);
      expect(found.find((w) => w.title === 'k0')!.likes).toBe(1);
      expect(await store.gallery.getWorks([])).toEqual([]);
      expect(await store.gallery.authorIds(works[0]!.id)).toEqual([users[0]!.id]);
      expect(await store.gallery.authorIds(works[1]!.id)).toEqual([]);
    });

    it('counts one like per user; unlike; says whether anything changed; which works a user likes', async () => {
      const { store, users, newWork } = await world();
      const [a, b] = [await store.gallery.insertWork(newWork()), await store.gallery.insertWork(newWork())];
      expect(await store.gallery.like(a.id, users[0]!.id)).toEqual({ likes: 1, changed: true });
      expect(await store.gallery.like(a.id, users[0]!.id)).toEqual({ likes: 1, changed: false });
      expect(await store.gallery.like(a.id, users[1]!.id)).toEqual({ likes: 2, changed: true });
      expect(await store.gallery.unlike(a.id, users[0]!.id)).toEqual({ likes: 1, changed: true });
      expect(await store.gallery.unlike(a.id, users[0]!.id)).toEqual({ likes: 1, changed: false });
      expect(await store.gallery.like(id('w'), users[0]!.id)).toBeNull();
      expect(await store.gallery.likedBy(users[1]!.id, [a.id, b.id, id('w')])).toEqual(new Set([a.id]));
      expect(await store.gallery.likedBy(users[1]!.id, [])).toEqual(new Set());
    });

    it('deletes into a tombstone that remixes still point to', async () => {
      const { store, users, newWork } = await world();
      const parent = await store.gallery.insertWork(newWork({ title: 'parent' }));
      const child = await store.gallery.insertWork(newWork({ title: 'child', remixOf: parent.id }));
      expect(child.parent).toEqual({ id: parent.id, deleted: false, title: 'parent' });
      await store.gallery.like(parent.id, users[1]!.id);
      expect(await store.gallery.deleteWork(parent.id, '2030-01-01T00:00:00.000Z')).toBe(true);
      expect(await store.gallery.deleteWork(parent.id, '2030-01-01T00:00:00.000Z')).toBe(false);
      expect(await store.gallery.getWork(parent.id)).toEqual({
        state: 'deleted',
        tombstone: {
          id: parent.id,
          roomId: parent.roomId,
          remixOf: null,
          publishedBy: users[0]!.id,
          createdAt: parent.createdAt,
          deletedAt: '2030-01-01T00:00:00.000Z',
          removed: false,
        },
      });
      expect(await store.gallery.getWorkSource(parent.id)).toBeNull();
      expect(await store.gallery.like(parent.id, users[0]!.id)).toBeNull();
      expect(await store.gallery.likedBy(users[1]!.id, [parent.id])).toEqual(new Set());
      expect((await store.gallery.listWorks({ sort: 'new', limit: 10 })).map((w) => w.title)).toEqual(['child']);
      expect((await store.gallery.listWorks({ sort: 'top', limit: 10 })).map((w) => w.title)).toEqual(['child']);
      const remixes = await store.gallery.listRemixes(parent.id, 10);
      expect(remixes.map((w) => w.title)).toEqual(['child']);
      expect(remixes[0]!.parent).toEqual({ id: parent.id, deleted: true });
      expect(await store.gallery.listRemixes(parent.id, 10, remixes[0]!.seq)).toEqual([]);
    });
  });
}
