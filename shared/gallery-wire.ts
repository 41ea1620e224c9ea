// The wire types of the gallery: works, pages, likes and the publish body
// (docs/gallery.md, docs/protocol.md "Gallery"). Re-exported by protocol.ts.
import { z } from 'zod';
import { TAGS_PER_WORK } from './social.ts';
import { tagSchema } from './social-schemas.ts';
import { textSchema } from './text.ts';
import type { Ack, PublicUser } from './protocol.ts';

export const WORK_TITLE_MAX = 120;
export const WORK_DESCRIPTION_MAX = 2000;
export const GALLERY_SORTS = ['new', 'top', 'following'] as const;
export type GallerySort = (typeof GALLERY_SORTS)[number];
export const GALLERY_PAGE_DEFAULT = 24;
export const GALLERY_PAGE_MAX = 100;

/** Work ids are 128 random bits in base64url, like room ids. */
export const workIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a work id');

export const publishWorkBodySchema = z.strictObject({
  title: textSchema({ lines: 'line', min: 1, max: WORK_TITLE_MAX }),
  description: textSchema({ lines: 'lines', max: WORK_DESCRIPTION_MAX }).optional(),
  /** With the description's `#tags`, at most TAGS_PER_WORK in all. */
  tags: z.array(tagSchema).max(TAGS_PER_WORK).optional(),
  /** False: nobody may remix it (`forbidden`). Default true. */
  allowRemix: z.boolean().optional(),
  /** True: the prompt is not shown, searchable, remixed or exported. Default false. */
  hidePrompt: z.boolean().optional(),
});
export type PublishWorkBody = z.infer<typeof publishWorkBodySchema>;

/** The work a remix came from; only its id survives once its author deleted it. */
export type WorkLink = { id: string; deleted: false; title: string } | { id: string; deleted: true };

export interface Work {
  id: string;
  title: string;
  description: string;
  /** The full-size PNG, `/media/<sha256>.png`. */
  imageUrl: string;
  /** A WebP no larger than 512 px on its longest side. */
  thumbUrl: string;
  /** The image's dominant colour, `#rrggbb`, to show while the thumbnail loads. */
  placeholder: string;
  width: number;
  height: number;
  prompt: string;
  /** Everyone who changed the prompt or the layers or ran a generation in the room, first contribution first. */
  authors: PublicUser[];
  /** The user who published it: the one who may delete it. */
  publishedBy: string;
  roomId: string;
  /** The work this one was remixed from (its room was made by a remix). */
  remixOf: string | null;
  remixOfWork: WorkLink | null;
  likes: number;
  createdAt: string;
  /** Lower-case tags, given at publish or written as `#tags` in the description. */
  tags: string[];
  /** Whether others may remix it. */
  allowRemix: boolean;
  /** Whether its authors hid the prompt (then `prompt` is ''). */
  hidePrompt: boolean;
  /** Whether the caller likes it; present only when the request was signed in. */
  liked?: boolean;
}

export interface GalleryPage {
  items: Work[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface LikeResponse {
  likes: number;
  liked: boolean;
}

export type PublishAck = Ack<{ work: Work }>;
export type SubscribeAck = Ack<{ subscribed: true }>;
