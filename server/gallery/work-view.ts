// Stored works as the wire's Work (shared/protocol.ts).
import type { Work } from '../../shared/protocol.ts';
import type { WorkRecord } from '../store/gallery.ts';

/** `liked` is set only for a signed-in caller; broadcasts and anonymous reads leave it out. */
export function toWork(record: WorkRecord, liked?: boolean): Work {
  const work: Work = {
    id: record.id,
    title: record.title,
    description: record.description,
    imageUrl: record.imageUrl,
    thumbUrl: record.thumbUrl,
    placeholder: record.placeholder,
    width: record.width,
    height: record.height,
    // A hidden prompt leaves the server nowhere: not in the API, pages, feeds or search.
    prompt: record.hidePrompt ? '' : record.prompt,
    authors: record.authors,
    publishedBy: record.publishedBy,
    roomId: record.roomId,
    remixOf: record.remixOf,
    remixOfWork: record.parent,
    likes: record.likes,
    createdAt: record.createdAt,
    tags: record.tags,
    allowRemix: record.allowRemix,
    hidePrompt: record.hidePrompt,
  };
  if (liked !== undefined) work.liked = liked;
  return work;
}
