// What every SocialStore (and the social parts of GalleryStore: tags, the
// following feed, search, hidden works) must do, whatever its backend: the
// PostgreSQL store runs this same suite.
import { describe, expect, it } from 'vitest';
import type { NewWork } from '../../server/store/gallery.ts';
import type { Store } from '../../server/store/store.ts';
import { workToInsert } from '../helpers/work-to-insert.ts';

export function socialStoreContract(name: string, open: () => Promise<Store>): void {
  let counter = 0;
  const id = (prefix: string) => `${prefix}${String(++counter).padStart(22 - prefix.length, '0')}`;
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

  async function world(names = ['Ann', 'Bob', 'Cid', 'Dee']) {
    const store = await open();
    const users: Record<string, string> = {};
    for (const userName of names) {
      const user = { id: id('u'), name: `${userName} Person`, color: '#123456', createdAt: at(0), shareSignals: false };
      await store.records.createUser(user);
      users[userName] = user.id;
    }
    const room = {
      id: id('r'),
      title: 'R',
      ownerId: Object.values(users)[0]!,
      linkAccess: 'edit' as const,
      remixOf: null,
      createdAt: at(0),
    };
    await store.records.createRoom(room, [{ code: id('i'), roomId: room.id, role: 'view', createdAt: at(0) }]);
    const work = (by: string, fields: Partial<NewWork> = {}) =>
      store.gallery.insertWork(workToInsert(room.id, [by], { id: id('w'), createdAt: at(1), ...fields }));
    return { store, users, room, work };
  }
  const titles = (list: Array<{ title: string }>) => list.map((w) => w.title);

  describe(`SocialStore contract: ${name}`, () => {
    it('follows once, unfollows, counts and lists both ways, latest first, paged by seq', async () => {
      const { store, users } = await world();
      const { graph } = store.social;
      const { Ann, Bob, Cid, Dee } = users as Record<string, string>;
      expect(await graph.follow(Bob!, Ann!, at(1))).toBe(true);
      expect(await graph.follow(Bob!, Ann!, at(2))).toBe(false);
      await graph.follow(Cid!, Ann!, at(3));
      await graph.follow(Dee!, Ann!, at(4));
      await graph.follow(Ann!, Bob!, at(5));
      expect(await graph.counts(Ann!)).toEqual({ followers: 3, following: 1 });
      const first = await graph.followers(Ann!, { limit: 2 });
      expect(first.map((f) => f.value.name)).toEqual(['Dee Person', 'Cid Person']);
      const rest = await graph.followers(Ann!, { limit: 2, before: first[1]!.seq });
      expect(rest.map((f) => f.value.id)).toEqual([Bob]);
      expect((await graph.following(Ann!, { limit: 10 })).map((f) => f.value.id)).toEqual([Bob]);
      expect(await graph.followsAmong(Bob!, [Ann!, Cid!, 'nobody'])).toEqual(new Set([Ann]));
      expect(await graph.unfollow(Bob!, Ann!)).toBe(true);
      expect(await graph.unfollow(Bob!, Ann!)).toBe(false);
      expect((await graph.counts(Ann!)).followers).toBe(2);
    });

    it('refuses a self-follow at the storage level too', async () => {
      const { store, users } = await world();
      await expect(store.social.graph.follow(users.Ann!, users.Ann!, at(1))).rejects.toThrow();
      expect(await store.social.graph.counts(users.Ann!)).toEqual({ followers: 0, following: 0 });
    });

    it('blocks end follows both ways; who blocks whom', async () => {
      const { store, users } = await world();
      const { graph } = store.social;
      const { Ann, Bob, Cid } = users as Record<string, string>;
      await graph.follow(Ann!, Bob!, at(1));
      await graph.follow(Bob!, Ann!, at(1));
      expect(await graph.blocksAnyone(Ann!)).toBe(false);
      expect(await graph.block(Ann!, Bob!, at(2))).toBe(true);
      expect(await graph.block(Ann!, Bob!, at(3))).toBe(false);
      expect(await graph.counts(Ann!)).toEqual({ followers: 0, following: 0 });
      expect(await graph.isBlocking(Ann!, Bob!)).toBe(true);
      expect(await graph.isBlocking(Bob!, Ann!)).toBe(false);
      expect(await graph.blocksAnyone(Ann!)).toBe(true);
      await graph.block(Cid!, Bob!, at(4));
      expect(new Set(await graph.blockersOf(Bob!))).toEqual(new Set([Ann, Cid]));
      await graph.block(Bob!, Cid!, at(5));
      expect((await graph.blockedEitherWay(Bob!)).sort()).toEqual([Ann!, Cid!].sort());
      expect(await graph.blockedEitherWay(Ann!)).toEqual([Bob]);
      await graph.unblock(Bob!, Cid!);
      expect(await graph.blockersAmong(Bob!, [Ann!, 'x'])).toEqual(new Set([Ann]));
      expect(await graph.blockedAmong(Ann!, [Bob!, Cid!])).toEqual(new Set([Bob]));
      expect(await graph.blockedAmong(Ann!, [])).toEqual(new Set());
      expect(await graph.unblock(Ann!, Bob!)).toBe(true);
      expect(await graph.isBlocking(Ann!, Bob!)).toBe(false);
    });

    it('threads comments one level, oldest first, with mentions as users are now; pages by (thread, seq)', async () => {
      const { store, users, work } = await world();
      const { comments } = store.social;
      const w = await work(users.Ann!);
      const c = (cid: string, authorId: string, parentId: string | null, mentionIds: string[] = []) =>
        comments.insert({ id: cid, workId: w.id, parentId, authorId, body: `body ${cid}`, mentionIds, createdAt: at(2) });
      const first = await c(id('c'), users.Bob!, null, [users.Cid!, users.Ann!]);
      const second = await c(id('c'), users.Cid!, null);
      const reply = await c(id('c'), users.Ann!, first!.id);
      expect(first!.mentions.map((m) => m.name)).toEqual(['Cid Person', 'Ann Person']);
      expect(reply!.parentId).toBe(first!.id);
      // A reply to a reply, or to another work's comment, is refused by the store.
      expect(await c(id('c'), users.Bob!, reply!.id)).toBeNull();
      expect(await c(id('c'), users.Bob!, 'missing-comment-id-000')).toBeNull();
      await store.records.updateUser(users.Cid!, { name: 'Cidney' });
      const all = await comments.list(w.id, { limit: 10, viewer: null });
      expect(all.map((x) => x.id)).toEqual([first!.id, reply!.id, second!.id]);
      expect(all[0]!.mentions.map((m) => m.name)).toEqual(['Cidney', 'Ann Person']);
      const page = await comments.list(w.id, { limit: 2, viewer: null });
      const next = await comments.list(w.id, { limit: 2, viewer: null, after: { thread: page[1]!.thread, seq: page[1]!.seq } });
      expect(next.map((x) => x.id)).toEqual([second!.id]);
      expect(await comments.count(w.id)).toBe(3);
    });

    it('edits, deletes a comment with its replies, and leaves out what a viewer blocks or a moderator hid', async () => {
      const { store, users, work } = await world();
      const { comments, graph, moderation } = store.social;
      const w = await work(users.Ann!);
      const top = await comments.insert({
        id: id('c'),
        workId: w.id,
        parentId: null,
        authorId: users.Bob!,
        body: 'one',
        mentionIds: [],
        createdAt: at(2),
      });
      const reply = await comments.insert({
        id: id('c'),
        workId: w.id,
        parentId: top!.id,
        authorId: users.Cid!,
        body: 'two',
        mentionIds: [],
        createdAt: at(3),
      });
      const other = await comments.insert({
        id: id('c'),
        workId: w.id,
        parentId: null,
        authorId: users.Dee!,
        body: 'three',
        mentionIds: [],
        createdAt: at(4),
      });
      const edited = await comments.edit(top!.id, 'one, edited', [users.Cid!], at(5));
      expect(edited).toMatchObject({ body: 'one, edited', editedAt: at(5) });
      expect(edited!.mentions.map((m) => m.id)).toEqual([users.Cid]);
      expect(await comments.edit('missing-comment-id-000', 'x', [], at(5))).toBeNull();

      await graph.block(users.Ann!, users.Dee!, at(6));
      expect((await comments.list(w.id, { limit: 10, viewer: users.Ann! })).map((c) => c.id)).toEqual([top!.id, reply!.id]);
      expect((await comments.list(w.id, { limit: 10, viewer: users.Bob! })).map((c) => c.id)).toEqual([top!.id, reply!.id, other!.id]);

      await moderation.setHidden('comment', top!.id, at(7));
      expect((await comments.get(top!.id))!.hidden).toBe(true);
      // A hidden comment's replies go with it from the list.
      expect((await comments.list(w.id, { limit: 10, viewer: null })).map((c) => c.id)).toEqual([other!.id]);
      await moderation.setHidden('comment', top!.id, null);
      await moderation.setHidden('user', users.Cid!, at(8));
      expect((await comments.list(w.id, { limit: 10, viewer: null })).map((c) => c.id)).toEqual([top!.id, other!.id]);
      expect((await comments.get(reply!.id))!.hidden).toBe(true);

      expect(await comments.delete(top!.id)).toEqual([top!.id, reply!.id]);
      expect(await comments.get(reply!.id)).toBeNull();
      expect(await comments.delete(top!.id)).toEqual([]);
    });

    it('stores notifications newest first, coalesces a burst while unread, counts unread, marks read up to one', async () => {
      const { store, users } = await world();
      const { notifications } = store.social;
      const { Ann, Bob, Cid, Dee } = users as Record<string, string>;
      const like = (actorId: string, minute: number, since = at(0)) =>
        notifications.add({
          id: id('n'),
          recipientId: Ann!,
          type: 'like',
          actorId,
          workId: 'work-1',
          createdAt: at(minute),
          coalesce: { key: 'like:work-1', since },
        });
      const first = await like(Bob!, 1);
      const follow = await notifications.add({ id: id('n'), recipientId: Ann!, type: 'follow', actorId: Dee!, createdAt: at(2) });
      const grown = await like(Cid!, 3);
      expect(grown).toMatchObject({ id: first!.id, others: 1, workId: 'work-1', read: false });
      expect(grown!.actor.id).toBe(Cid);
      // The same person again changes nothing.
      expect(await like(Bob!, 4)).toBeNull();
      let list = await notifications.list(Ann!, { limit: 10 });
      expect(list.map((n) => [n.type, n.others])).toEqual([
        ['like', 1],
        ['follow', 0],
      ]);
      expect(await notifications.unread(Ann!)).toBe(2);
      // Paging by seq.
      expect((await notifications.list(Ann!, { limit: 1, before: list[0]!.seq })).map((n) => n.id)).toEqual([follow!.id]);

      expect(await notifications.markRead(Ann!, follow!.id, at(5))).toBe(1);
      expect(await notifications.markRead(Ann!, 'someone-elses-notifica', at(5))).toBeNull();
      expect(await notifications.markRead(Bob!, first!.id, at(5))).toBeNull();
      expect(await notifications.markRead(Ann!, undefined, at(5))).toBe(0);
      // Read, the burst is closed: the next like starts a new entry; so does one older than the window.
      const fresh = await like(Dee!, 6);
      expect(fresh!.id).not.toBe(first!.id);
      const late = await like(Bob!, 70, at(65));
      expect(late!.id).not.toBe(fresh!.id);
      list = await notifications.list(Ann!, { limit: 10 });
      expect(list.map((n) => n.read)).toEqual([false, false, true, true]);
    });

    it('leaves out, listed and counted, what someone did before the recipient blocked them', async () => {
      const { store, users } = await world();
      const { notifications, graph } = store.social;
      await notifications.add({ id: id('n'), recipientId: users.Ann!, type: 'follow', actorId: users.Bob!, createdAt: at(1) });
      await notifications.add({ id: id('n'), recipientId: users.Ann!, type: 'follow', actorId: users.Cid!, createdAt: at(2) });
      await graph.block(users.Ann!, users.Bob!, at(3));
      expect((await notifications.list(users.Ann!, { limit: 10 })).map((n) => n.actor.id)).toEqual([users.Cid]);
      expect(await notifications.unread(users.Ann!)).toBe(1);
      expect(await notifications.markRead(users.Ann!, undefined, at(4))).toBe(0);
    });

    it('remembers muted types', async () => {
      const { store, users } = await world();
      const { notifications } = store.social;
      expect(await notifications.muted(users.Ann!)).toEqual(new Set());
      await notifications.setMuted(users.Ann!, ['like', 'follow', 'like']);
      expect(await notifications.muted(users.Ann!)).toEqual(new Set(['like', 'follow']));
      await notifications.setMuted(users.Ann!, []);
      expect(await notifications.muted(users.Ann!)).toEqual(new Set());
    });

    it('keeps one open report per reporter and target; resolves all of a target at once, audited', async () => {
      const { store, users } = await world();
      const { moderation } = store.social;
      const target = { type: 'work' as const, id: 'work-1' };
      const report = (reporterId: string) =>
        moderation.addReport({ id: id('p'), reporterId, target, reason: 'spam', note: 'buy now', createdAt: at(1) });
      const a = await report(users.Bob!);
      expect(a.created).toBe(true);
      expect((await report(users.Bob!)).report.id).toBe(a.report.id);
      const b = await report(users.Cid!);
      const other = await moderation.addReport({
        id: id('p'),
        reporterId: users.Bob!,
        target: { type: 'user', id: users.Dee! },
        reason: 'harassment',
        note: null,
        createdAt: at(2),
      });
      expect(await moderation.openReportsOf(target)).toBe(2);
      const open = await moderation.listReports('open', { limit: 2 });
      expect(open.map((r) => r.id)).toEqual([a.report.id, b.report.id]);
      expect((await moderation.listReports('open', { limit: 2, cursor: open[1]!.seq })).map((r) => r.id)).toEqual([other.report.id]);

      const resolved = await moderation.resolve(b.report.id, { status: 'actioned', action: 'hide', by: users.Ann!, at: at(3) }, id('a'));
      expect(resolved).toMatchObject({ status: 'actioned', action: 'hide', resolvedBy: users.Ann, resolvedAt: at(3) });
      expect((await moderation.getReport(a.report.id))!.status).toBe('actioned');
      expect(
        await moderation.resolve(a.report.id, { status: 'dismissed', action: 'dismiss', by: users.Ann!, at: at(4) }, id('a')),
      ).toBeNull();
      expect((await moderation.listReports('actioned', { limit: 10 })).map((r) => r.id).sort()).toEqual([a.report.id, b.report.id].sort());
      const audit = await moderation.listAudit({ limit: 10 });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ moderatorId: users.Ann, action: 'hide', target, reportId: b.report.id, at: at(3) });
      // A report after resolution opens a new one.
      expect((await report(users.Bob!)).created).toBe(true);
    });

    it('hides works from every list (and their publishers), suspends users, closes rooms', async () => {
      const { store, users, room, work } = await world();
      const { moderation } = store.social;
      const shown = await work(users.Ann!, { title: 'shown' });
      const hidden = await work(users.Ann!, { title: 'hidden', tags: ['sea'] });
      const bobs = await work(users.Bob!, { title: 'bobs', tags: ['sea'] });
      expect(await moderation.setHidden('work', hidden.id, at(2))).toBe(true);
      expect(await moderation.isHidden('work', hidden.id)).toBe(true);
      expect(titles(await store.gallery.listWorks({ sort: 'new', limit: 10 }))).toEqual(['bobs', 'shown']);
      expect(titles(await store.gallery.listWorks({ sort: 'top', limit: 10, filter: { tag: 'sea' } }))).toEqual(['bobs']);
      const found = await store.gallery.getWork(hidden.id);
      expect(found?.state === 'live' && found.work.hidden).toBe(true);
      expect(await store.gallery.like(hidden.id, users.Bob!)).toBeNull();
      expect(await store.gallery.getWorkSource(hidden.id)).toBeNull();

      await moderation.setHidden('user', users.Bob!, at(3));
      expect(await moderation.isHidden('user', users.Bob!)).toBe(true);
      expect(titles(await store.gallery.listWorks({ sort: 'new', limit: 10 }))).toEqual(['shown']);
      const bobsWork = await store.gallery.getWork(bobs.id);
      expect(bobsWork?.state === 'live' && bobsWork.work.hidden).toBe(true);
      expect(await store.social.graph.searchUsers(['bob'], null, { limit: 10, offset: 0 })).toEqual([]);
      await moderation.setHidden('user', users.Bob!, null);
      expect(titles(await store.gallery.listWorks({ sort: 'new', limit: 10 }))).toEqual(['bobs', 'shown']);

      expect(await moderation.isSuspended(users.Cid!)).toBe(false);
      expect(await moderation.setSuspended(users.Cid!, at(4))).toBe(true);
      expect(await moderation.isSuspended(users.Cid!)).toBe(true);
      expect(await moderation.setSuspended('no-such-user-00000000', at(4))).toBe(false);
      expect(await moderation.setHidden('room', room.id, at(5))).toBe(true);
      expect(await moderation.isHidden('room', room.id)).toBe(true);
      expect(shown.hidden).toBe(false);
    });

    it('lists works by tag, by people followed, by author, leaving out the blocked; counts tags', async () => {
      const { store, users, work } = await world();
      const { Ann, Bob, Cid, Dee } = users as Record<string, string>;
      await work(Ann!, { title: 'a1', tags: ['sea', 'dawn'] });
      await work(Bob!, { title: 'b1', tags: ['sea'] });
      await work(Cid!, { title: 'c1', authorIds: [Cid!, Dee!] });
      await work(Dee!, { title: 'd1', tags: ['dawn'] });
      await store.social.graph.follow(Ann!, Bob!, at(1));
      await store.social.graph.follow(Ann!, Dee!, at(1));
      const feed = (filter: object, limit = 10) => store.gallery.listWorks({ sort: 'new', limit, filter });
      expect(titles(await feed({ tag: 'sea' }))).toEqual(['b1', 'a1']);
      expect(titles(await feed({ tag: 'nothing' }))).toEqual([]);
      // Co-authored works count for everyone who made them.
      expect(titles(await feed({ followedBy: Ann! }))).toEqual(['d1', 'c1', 'b1']);
      const page = await feed({ followedBy: Ann! }, 2);
      const after = await store.gallery.listWorks({
        sort: 'new',
        limit: 2,
        after: { sort: 'new', seq: page[1]!.seq },
        filter: { followedBy: Ann! },
      });
      expect(titles(after)).toEqual(['b1']);
      // Following many people takes the other way through the same query: the same answer.
      for (let i = 0; i < 20; i++) {
        const extra = { id: id('u'), name: `Extra ${i}`, color: '#123456', createdAt: at(0), shareSignals: false };
        await store.records.createUser(extra);
        await store.social.graph.follow(Ann!, extra.id, at(1));
      }
      expect(titles(await feed({ followedBy: Ann! }))).toEqual(['d1', 'c1', 'b1']);
      expect(titles(await feed({ followedBy: Bob! }))).toEqual([]);
      expect(titles(await feed({ authorId: Dee! }))).toEqual(['d1', 'c1']);
      await store.social.graph.block(Bob!, Dee!, at(2));
      expect(titles(await feed({ viewer: Bob! }))).toEqual(['b1', 'a1']);
      expect(titles(await feed({ tag: 'dawn', viewer: Bob! }))).toEqual(['a1']);
      expect(await store.gallery.popularTags(10)).toEqual([
        { tag: 'dawn', works: 2 },
        { tag: 'sea', works: 2 },
      ]);
    });

    it('searches works by words of title, description, tags and prompt (not a hidden one), the last word as a prefix', async () => {
      const { store, users, work } = await world();
      await work(users.Ann!, { title: 'Lighthouse at dawn', description: 'Waves', prompt: 'granite cliffs' });
      await work(users.Bob!, { title: 'Harbour', tags: ['lighthouse'], prompt: 'secret sauce', hidePrompt: true });
      const doomed = await work(users.Cid!, { title: 'Lighthouse keeper' });
      const search = async (terms: string[]) => titles(await store.gallery.listWorks({ sort: 'new', limit: 10, filter: { terms } }));
      expect(await search(['lighthouse'])).toEqual(['Lighthouse keeper', 'Harbour', 'Lighthouse at dawn']);
      expect(await search(['lighth'])).toEqual(['Lighthouse keeper', 'Harbour', 'Lighthouse at dawn']);
      expect(await search(['lighthouse', 'dawn'])).toEqual(['Lighthouse at dawn']);
      expect(await search(['waves'])).toEqual(['Lighthouse at dawn']);
      expect(await search(['granite'])).toEqual(['Lighthouse at dawn']);
      expect(await search(['secret'])).toEqual([]);
      expect(await search(['zebra'])).toEqual([]);
      await store.gallery.deleteWork(doomed.id, at(9));
      expect(await search(['keeper'])).toEqual([]);
      const page = await store.gallery.listWorks({ sort: 'new', limit: 1, filter: { terms: ['lighthouse'] } });
      const rest = await store.gallery.listWorks({
        sort: 'new',
        limit: 5,
        after: { sort: 'new', seq: page[0]!.seq },
        filter: { terms: ['lighthouse'] },
      });
      expect(titles(rest)).toEqual(['Lighthouse at dawn']);
    });

    it('searches users by the words of their names, leaving out whom the viewer blocks', async () => {
      const { store, users } = await world(['Annabel Lee', 'Anna Karenina', 'Bob']);
      const { graph } = store.social;
      const names = async (terms: string[], viewer: string | null = null) =>
        (await graph.searchUsers(terms, viewer, { limit: 10, offset: 0 })).map((u) => u.name).sort();
      expect(await names(['ann'])).toEqual(['Anna Karenina Person', 'Annabel Lee Person']);
      expect(await names(['anna', 'kar'])).toEqual(['Anna Karenina Person']);
      await store.records.updateUser(users['Anna Karenina']!, { name: 'Vronsky' });
      expect(await names(['vron'])).toEqual(['Vronsky']);
      expect(await names(['karenina'])).toEqual([]);
      await graph.block(users.Bob!, users['Annabel Lee']!, at(1));
      expect(await names(['ann'], users.Bob!)).toEqual([]);
      expect(await graph.searchUsers([], null, { limit: 10, offset: 0 })).toEqual([]);
    });
  });
}
