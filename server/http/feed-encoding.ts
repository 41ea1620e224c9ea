// Feed pages as JSON bytes with their ETag. A shared page's works are encoded
// once; a signed-in caller's answer is those same encodings with `liked`
// added to each, so the feed costs no full JSON encoding per request.
import { createHash } from 'node:crypto';
import type { GalleryPage, Work } from '../../shared/protocol.ts';

export interface EncodedPage {
  body: Buffer;
  etag: string;
}

interface PageParts {
  /** Each work's JSON, without `liked` and without its closing brace. */
  items: string[];
  tail: string;
  shared: EncodedPage;
}

export class FeedEncoder {
  readonly #parts = new WeakMap<GalleryPage, PageParts>();

  /** The page as everyone sees it, or with the caller's likes marked. */
  encode(page: GalleryPage, liked: ReadonlySet<string> | null): EncodedPage {
    const parts = this.#partsOf(page);
    if (liked === null) return parts.shared;
    const items = parts.items.map((open, i) => `${open},"liked":${liked.has(page.items[i]!.id)}}`);
    return withEtag(Buffer.from(`{"items":[${items.join(',')}]${parts.tail}`));
  }

  #partsOf(page: GalleryPage): PageParts {
    let parts = this.#parts.get(page);
    if (!parts) {
      const items = page.items.map((work: Work) => JSON.stringify(work).slice(0, -1));
      const tail = `,"nextCursor":${JSON.stringify(page.nextCursor)}}`;
      const shared = withEtag(Buffer.from(`{"items":[${items.map((open) => open + '}').join(',')}]${tail}`));
      parts = { items, tail, shared };
      this.#parts.set(page, parts);
    }
    return parts;
  }
}

function withEtag(body: Buffer): EncodedPage {
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}
