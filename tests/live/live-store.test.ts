// The live store on both backends: listing follows the room (a deleted room
// takes its listing), a grant is remembered while a revoke forgets it, and
// which rooms admit their owner only (closed or gone) is read in one query.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/store.ts';
import { onBothStores } from '../helpers/stores.ts';

const AT = '2026-01-01T00:00:00.000Z';
const id = (c: string) => c.repeat(22);

function liveStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} live store`, () => {
    async function seeded() {
      const store = await open();
      for (const user of ['o', 'u']) await store.records.createUser({ id: id(user), name: user, color: '#000000', createdAt: AT });
      for (const room of ['a', 'b']) {
        await store.records.createRoom({ id: id(room), title: room, ownerId: id('o'), linkAccess: 'none', remixOf: null, createdAt: AT }, [
          { code: id(room.toUpperCase()), roomId: id(room), role: 'view', createdAt: AT },
        ]);
      }
      return store;
    }

    it('lists and unlists rooms that exist, idempotently', async () => {
      const { live } = await seeded();
      expect(await live.setListed(id('a'), true, AT)).toBe(true);
      expect(await live.setListed(id('a'), true, AT)).toBe(true);
      expect(await live.setListed(id('z'), true, AT)).toBe(false);
      expect(await live.isListed(id('a'))).toBe(true);
      expect(await live.isListed(id('b'))).toBe(false);
      expect(await live.listedAmong([id('a'), id('b'), id('z')])).toEqual(new Set([id('a')]));
      expect(await live.listedAmong([])).toEqual(new Set());
      await live.setListed(id('a'), false, AT);
      expect(await live.isListed(id('a'))).toBe(false);
    });

    it('tells which of some rooms a moderator closed and which are gone, in one call', async () => {
      const { live, social } = await seeded();
      expect(await live.closedOrGoneAmong([id('a'), id('b'), id('z')])).toEqual(new Map([[id('z'), 'gone']]));
      await social.moderation.setHidden('room', id('b'), AT);
      expect(await live.closedOrGoneAmong([id('a'), id('b'), id('z')])).toEqual(
        new Map([
          [id('b'), 'closed'],
          [id('z'), 'gone'],
        ]),
      );
      expect(await live.closedOrGoneAmong([id('a')])).toEqual(new Map());
      expect(await live.closedOrGoneAmong([])).toEqual(new Map());
      // Reopened: it admits others again.
      await social.moderation.setHidden('room', id('b'), null);
      expect(await live.closedOrGoneAmong([id('b')])).toEqual(new Map());
    });

    it('remembers a grant over a lower membership and forgets it on a revoke', async () => {
      const { live, records } = await seeded();
      await records.rememberMembership(id('a'), id('u'), 'viewer');
      await live.setMembership(id('a'), id('u'), 'editor', AT);
      expect(await records.getMembership(id('a'), id('u'))).toBe('editor');
      await live.setMembership(id('a'), id('u'), 'viewer', AT);
      expect(await records.getMembership(id('a'), id('u'))).toBeNull();
      expect(await records.getMembership(id('b'), id('u'))).toBeNull();
    });
  });
}

await onBothStores('live store', liveStoreContract);
