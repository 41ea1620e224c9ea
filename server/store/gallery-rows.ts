// Rows of the works tables as gallery records, the same for every SQL backend.
// JSON arrives as text (SQLite) or parsed (PostgreSQL); timestamps as ISO text or Date.
import type { Layer } from '../../shared/doc-schema.ts';
import type { PublicUser } from '../../shared/protocol.ts';
import type { ParentLink, WorkRecord, WorkTombstone } from './gallery.ts';
import { isoString, type Row } from './record-rows.ts';

const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function toParent(row: Row): ParentLink | null {
  if (row.parent_id === null) return null;
  const id = String(row.parent_id);
  // A hidden parent is, to everyone reading the remix, as gone as a deleted one.
  return row.parent_deleted_at === null && row.parent_hidden_at === null
    ? { id, deleted: false, title: String(row.parent_title) }
    : { id, deleted: true };
}

export function toWork(row: Row): WorkRecord {
  return {
    id: String(row.id),
    seq: Number(row.seq),
    roomId: String(row.room_id),
    remixOf: row.remix_of === null ? null : String(row.remix_of),
    parent: toParent(row),
    publishedBy: String(row.published_by),
    authors: parsed<PublicUser[]>(row.authors),
    title: String(row.title),
    description: String(row.description),
    prompt: String(row.prompt),
    width: Number(row.width),
    height: Number(row.height),
    imageUrl: String(row.image_url),
    thumbUrl: String(row.thumb_url),
    placeholder: String(row.placeholder),
    likes: Number(row.likes),
    createdAt: isoString(row.created_at),
    tags: parsed<string[]>(row.tags),
    allowRemix: flag(row.allow_remix),
    hidePrompt: flag(row.hide_prompt),
    hidden: row.hidden_at !== null || flag(row.publisher_hidden),
  };
}

/** INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL. */
const flag = (value: unknown): boolean => value === 1 || value === true;

export function toTombstone(row: Row): WorkTombstone {
  return {
    id: String(row.id),
    roomId: String(row.room_id),
    remixOf: row.remix_of === null ? null : String(row.remix_of),
    publishedBy: String(row.published_by),
    createdAt: isoString(row.created_at),
    deletedAt: isoString(row.deleted_at),
    removed: row.hidden_at !== null,
  };
}

export const toLayers = (value: unknown): Layer[] => parsed<Layer[]>(value);
