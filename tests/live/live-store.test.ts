// The live store on both backends: listing follows the room (a deleted room
// takes its listing), a grant is remembered while a revoke forgets it (and is
// remembered itself, with its time, until a grant), and
// who may no longer be in some rooms (closed or gone, blocked by the owner)
// and the roles the store gives some users in them are each read in one call.
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

    it('tells, in one call, which of some rooms are closed or gone and which of some users their owners block', async () => {
      const { live, social, records } = await seeded();
      await records.createUser({ id: id('v'), name: 'v', color: '#000000', createdAt: AT });
      await records.createRoom({ id: id('c'), title: 'c', ownerId: id('u'), linkAccess: 'none', remixOf: null, createdAt: AT }, [
        { code: id('C'), roomId: id('c'), role: 'view', createdAt: AT },
      ]);
      const rooms = [id('a'), id('b'), id('c'), id('z')];
      const users = [id('u'), id('v')];
      expect(await live.refusalsAmong(rooms, users)).toEqual({ ended: new Map([[id('z'), 'gone']]), blocked: new Map() });
      await social.moderation.setHidden('room', id('b'), AT);
      await social.graph.block(id('o'), id('v'), AT);
      await social.graph.block(id('v'), id('u'), AT);
      expect(await live.refusalsAmong(rooms, users)).toEqual({
        ended: new Map([
          [id('b'), 'closed'],
          [id('z'), 'gone'],
        ]),
        // Rooms a and b are o's (who blocks v); room c is u's, who blocks nobody.
        blocked: new Map([
          [id('a'), new Set([id('v')])],
          [id('b'), new Set([id('v')])],
        ]),
      });
      expect(await live.refusalsAmong([id('a')], [id('u')])).toEqual({ ended: new Map(), blocked: new Map() });
      expect(await live.refusalsAmong([id('a')], [])).toEqual({ ended: new Map(), blocked: new Map() });
      expect(await live.refusalsAmong([], users)).toEqual({ ended: new Map(), blocked: new Map() });
      // Reopened: it admits others again.
      await social.moderation.setHidden('room', id('b'), null);
      expect((await live.refusalsAmong([id('b')], [])).ended).toEqual(new Map());
    });

    it('tells, in one call, the link access of some rooms and the memberships of some users in them', async () => {
      const { live, records } = await seeded();
      await records.createUser({ id: id('v'), name: 'v', color: '#000000', createdAt: AT });
      await records.updateRoom(id('b'), { linkAccess: 'edit' });
      await live.setMembership(id('a'), id('u'), 'editor', AT);
      await records.rememberMembership(id('b'), id('v'), 'viewer');
      await live.setMembership(id('b'), id('o'), 'editor', AT);
      const rooms = [id('a'), id('b'), id('z')];
      expect(await live.rolesAmong(rooms, [id('u'), id('v')])).toEqual(
        new Map([
          [id('a'), { linkAccess: 'none', members: new Map([[id('u'), 'editor']]), revoked: new Map() }],
          // o's membership of b is not asked for; z does not exist.
          [id('b'), { linkAccess: 'edit', members: new Map([[id('v'), 'viewer']]), revoked: new Map() }],
        ]),
      );
      await live.setMembership(id('a'), id('u'), 'viewer', AT);
      const revoked = { linkAccess: 'none', members: new Map(), revoked: new Map([[id('u'), Date.parse(AT)]]) };
      expect((await live.rolesAmong([id('a')], [id('u')])).get(id('a'))).toEqual(revoked);
      expect(await live.rolesAmong([id('a')], [])).toEqual(
        new Map([[id('a'), { linkAccess: 'none', members: new Map(), revoked: new Map() }]]),
      );
      expect(await live.rolesAmong([], [id('u')])).toEqual(new Map());
    });

    it('remembers a revoke with its time, until a grant: a link editor is told from a revoked one', async () => {
      const { live, records } = await seeded();
      await records.updateRoom(id('a'), { linkAccess: 'edit' });
      const later = new Date(Date.parse(AT) + 60_000).toISOString();
      await live.setMembership(id('a'), id('u'), 'viewer', AT);
      await live.setMembership(id('a'), id('u'), 'viewer', later);
      // Another room's revoke, and another user's, are not asked for.
      await live.setMembership(id('b'), id('u'), 'viewer', AT);
      await live.setMembership(id('a'), id('o'), 'viewer', AT);
      expect(await live.rolesAmong([id('a')], [id('u')])).toEqual(
        new Map([[id('a'), { linkAccess: 'edit', members: new Map(), revoked: new Map([[id('u'), Date.parse(later)]]) }]]),
      );
      await live.setMembership(id('a'), id('u'), 'editor', later);
      expect(await live.rolesAmong([id('a')], [id('u')])).toEqual(
        new Map([[id('a'), { linkAccess: 'edit', members: new Map([[id('u'), 'editor']]), revoked: new Map() }]]),
      );
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
