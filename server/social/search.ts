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
 * The words of a query: runs of letters and digits, lower-cased (`#lighthouse` is the word `lighthouse`),
 * in the composed form free text is kept in, so "é" typed as e + U+0301 is the letter the index holds.
 */
export function searchTerms(q: string): string[] {
  const words = keptText(q.toLowerCase()).match(/[\p{L}\p{N}]+/gu) ?? [];
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
