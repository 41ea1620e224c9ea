// Feed pages as JSON bytes with their ETag. A shared page's works are encoded
// once; a signed-in caller's answer is those same encodings with `liked`
// added to each, so the feed costs no JSON encoding and no hashing of the
// body per request.
import { createHash } from 'node:crypto';
import type { GalleryPage } from '../../shared/protocol.ts';

export interface EncodedPage {
  body: Buffer;
  etag: string;
}

interface PageParts {
  /** Each work's JSON without its closing brace. */
  open: string[];
  /** The same closed with `"liked":false}` and with `"liked":true}`, made on the first signed-in request. */
  marked?: { unliked: string[]; liked: string[] };
  tail: string;
  shared: EncodedPage;
}

export class FeedEncoder {
  readonly #parts = new WeakMap<GalleryPage, PageParts>();

  /** The page as everyone sees it, or with the caller's likes marked. */
  encode(page: GalleryPage, liked: ReadonlySet<string> | null): EncodedPage {
    const parts = this.#partsOf(page);
    if (liked === null) return parts.shared;
    parts.marked ??= {
      unliked: parts.open.map((o) => `${o},"liked":false}`),
      liked: parts.open.map((o) => `${o},"liked":true}`),
    };
    const { marked } = parts;
    const marks = page.items.map((work) => liked.has(work.id));
    const items = marks.map((mark, i) => (mark ? marked.liked[i] : marked.unliked[i]));
    // The body follows from the shared page and which of its works are liked: so does the tag.
    const tag = createHash('sha1').update(parts.shared.etag).update(marks.map(Number).join('')).digest('base64url');
    return { body: Buffer.from(`{"items":[${items.join(',')}]${parts.tail}`), etag: `"${tag}"` };
  }

  #partsOf(page: GalleryPage): PageParts {
    let parts = this.#parts.get(page);
    if (!parts) {
      const open = page.items.map((work) => JSON.stringify(work).slice(0, -1));
      const tail = `,"nextCursor":${JSON.stringify(page.nextCursor)}}`;
      const body = Buffer.from(`{"items":[${open.map((o) => `${o}}`).join(',')}]${tail}`);
      parts = {
        open,
        tail,
        shared: { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` },
      };
      this.#parts.set(page, parts);
    }
    return parts;
  }
}
