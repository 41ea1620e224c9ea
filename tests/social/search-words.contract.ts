// Search in scripts whose letters carry marks (Devanagari, Thai, Tamil: vowel
// signs and viramas are marks), whatever the backend: a query's words are
// made by server/social/search.ts searchTerms, as GET /api/search makes them,
// and each store must find by them what its index holds, and what an older
// release's index held once the store's migrations have run; text an older
// release stored decomposed is composed by them.
import { describe, expect, it } from 'vitest';
import { searchTerms } from '../../server/social/search.ts';
import type { GalleryStore } from '../../server/store/gallery.ts';
import type { RecordStore } from '../../server/store/records.ts';
import type { Store } from '../../server/store/store.ts';
import { workToInsert } from '../helpers/work-to-insert.ts';

export interface SearchWordsBackend {
  /** A store with every migration applied. */
  open(): Promise<Store>;
  /** A database with the migrations before `migration` applied; finish applies the rest and opens the store. */
  openBefore(migration: string): Promise<{ records: RecordStore; gallery: GalleryStore; finish(): Promise<Store> }>;
}

// 'तमिऴ' holds U+0934, which NFD writes as ळ + nukta (U+0933 U+093C): typed that way, it is the same word.
const PEOPLE = ['हिन्दी लेखक', 'होली', 'तमिऴ कवि', 'สวัสดี ครับ', 'สวย'];
const TITLES = ['हिन्दी पत्रिका', 'होली के रंग', 'तमिऴ', 'สวัสดี โลก', 'สวย งาม'];

export function searchWordsContract(name: string, backend: SearchWordsBackend): void {
  let counter = 0;
  const id = (prefix: string) => `${prefix}${String(++counter).padStart(22 - prefix.length, '0')}`;
  const at = new Date(Date.UTC(2026, 0, 1)).toISOString();

  async function fill(records: RecordStore, gallery: GalleryStore, people: string[], titles: string[]) {
    const userIds: string[] = [];
    for (const person of people) {
      const user = { id: id('u'), name: person, color: '#123456', createdAt: at };
      await records.createUser(user);
      userIds.push(user.id);
    }
    const room = { id: id('r'), title: 'R', ownerId: userIds[0]!, linkAccess: 'edit' as const, remixOf: null, createdAt: at };
    await records.createRoom(room, []);
    for (const title of titles) await gallery.insertWork(workToInsert(room.id, [userIds[0]!], { id: id('w'), title, createdAt: at }));
    return { userIds, roomId: room.id };
  }

  const finder = (store: Store) => ({
    people: async (q: string) =>
      (await store.social.graph.searchUsers(searchTerms(q), null, { limit: 10, offset: 0 })).map((u) => u.name).sort(),
    titles: async (q: string) =>
      (await store.gallery.listWorks({ sort: 'new', limit: 10, filter: { terms: searchTerms(q) } })).map((w) => w.title).sort(),
  });

  /** Each query typed as is and decomposed (NFD) finds the same. */
  async function expectFound(store: Store) {
    const find = finder(store);
    const cases: Array<[string, string[], string[]]> = [
      ['हिन्दी', ['हिन्दी लेखक'], ['हिन्दी पत्रिका']],
      // A prefix is a prefix of a word, not of its first letter: 'होली' starts with ह too.
      ['हि', ['हिन्दी लेखक'], ['हिन्दी पत्रिका']],
      ['तमिऴ', ['तमिऴ कवि'], ['तमिऴ']],
      ['สวัสดี', ['สวัสดี ครับ'], ['สวัสดี โลก']],
      ['สวั', ['สวัสดี ครับ'], ['สวัสดี โลก']],
      ['สวย', ['สวย'], ['สวย งาม']],
    ];
    for (const [q, people, titles] of cases) {
      for (const typed of [q, q.normalize('NFD')]) {
        expect({ typed, people: await find.people(typed) }).toEqual({ typed, people });
        expect({ typed, titles: await find.titles(typed) }).toEqual({ typed, titles });
      }
    }
  }

  describe(`search words and composed text: ${name}`, () => {
    it('finds Devanagari and Thai names and titles by their words, typed composed or decomposed', async () => {
      const store = await backend.open();
      await fill(store.records, store.gallery, PEOPLE, TITLES);
      await expectFound(store);
    });

    it('finds them in rows indexed before text-001 once it has run', async () => {
      const before = await backend.openBefore('text-001-search-words-keep-marks');
      await fill(before.records, before.gallery, PEOPLE, TITLES);
      await expectFound(await before.finish());
    });

    it('composes text stored decomposed before text-002 and finds it by its composed words', async () => {
      const before = await backend.openBefore('text-002-composed-free-text');
      const nfd = (text: string) => text.normalize('NFD');
      const { userIds, roomId } = await fill(
        before.records,
        before.gallery,
        ['Tiếng Việt', 'तमिऴ कवि'].map(nfd),
        ['Tiếng Việt', 'तमिऴ'].map(nfd),
      );
      await before.records.updateUser(userIds[0]!, { bio: nfd('Xin chào') });
      await before.records.updateRoom(roomId, { title: nfd('Phở') });
      const store = await before.finish();
      const user = await store.records.getUser(userIds[0]!);
      expect([user?.name, user?.bio]).toEqual(['Tiếng Việt', 'Xin chào']);
      expect((await store.records.getRoom(roomId))?.title).toBe('Phở');
      const find = finder(store);
      for (const typed of ['tiếng', nfd('tiếng')]) {
        expect({ typed, people: await find.people(typed) }).toEqual({ typed, people: ['Tiếng Việt'] });
        expect({ typed, titles: await find.titles(typed) }).toEqual({ typed, titles: ['Tiếng Việt'] });
      }
      expect(await find.people('तमिऴ')).toEqual(['तमिऴ कवि']);
      expect(await find.titles('तमिऴ')).toEqual(['तमिऴ']);
    });
  });
}
