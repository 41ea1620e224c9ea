// `GET /api/search`: works by the words of their title, description, prompt
// (unless hidden) and tags, users by name, through the store's own full-text
// index (SQLite FTS5, PostgreSQL tsvector): no search server.
import type { PublicUser } from '../../shared/protocol.ts';
import type { SearchPage, SearchType } from '../../shared/social.ts';
import { clipText, keptText } from '../../shared/text.ts';
import { AppError } from '../errors.ts';
import type { Gallery } from '../gallery/gallery.ts';
import type { GraphStore } from '../store/social.ts';
import { decodeKeys, encodeKeys } from './cursors.ts';

/** Words of a query that count; more are ignored. */
const MAX_TERMS = 8;
/** How deep user results page (they are ranked, so paged by offset). */
const MAX_USER_OFFSET = 1000;

/**
 * A word: a letter or digit, then letters, digits and the marks that belong to them (Devanagari's,
 * Thai's and Tamil's vowel signs and viramas are marks: without them 'हिन्दी' fell apart into 'ह', 'न',
 * 'द', which neither store's index holds), and the joiners U+200C/U+200D inside Persian and Indic
 * words. Both indexes split a word at a joiner; a query word holding one is then a phrase of its
 * parts, as the typist meant it. A mark with no letter before it (a stray accent, an emoji's
 * variation selector) starts no word, as on PostgreSQL.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}\u200c\u200d]*/gu;

/**
 * The words of a query (WORD), lower-cased (`#lighthouse` is the word `lighthouse`), in the composed
 * form free text is kept in, so "é" typed as e + U+0301 is the letter the index holds.
 */
export function searchTerms(q: string): string[] {
  const words = keptText(q.toLowerCase()).match(WORD) ?? [];
  return [...new Set(words.map((t) => clipText(t, 64)))].slice(0, MAX_TERMS);
}

export class Search {
  readonly #gallery: Gallery;
  readonly #graph: GraphStore;

  constructor(gallery: Gallery, graph: GraphStore) {
    this.#gallery = gallery;
    this.#graph = graph;
  }

  async search(q: string, type: SearchType, viewer: string | null, limit: number, cursor?: string): Promise<SearchPage> {
    const terms = searchTerms(q);
    if (terms.length === 0) throw new AppError('bad_request', 'q: give at least one word to look for');
    if (type === 'works') return this.#gallery.search(terms, { limit, viewer, ...(cursor === undefined ? {} : { cursor }) });
    const [offset = 0] = cursor === undefined ? [] : decodeKeys(cursor, 'su', 1);
    if (offset > MAX_USER_OFFSET) throw new AppError('bad_request', 'cursor: results go no deeper');
    const rows: PublicUser[] = await this.#graph.searchUsers(terms, viewer, { limit: limit + 1, offset });
    const more = rows.length > limit;
    return { items: more ? rows.slice(0, limit) : rows, nextCursor: more ? encodeKeys('su', offset + limit) : null };
  }
}
