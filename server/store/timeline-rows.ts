// Rows of the timeline table as frames, the same for every SQL backend.
import { z } from 'zod';
import { layerSchema } from '../../shared/doc-schema.ts';
import { isoString, type Row } from './record-rows.ts';
import { timelineEvent } from './timeline-thinning.ts';
import type { TimelineEvent } from '../../shared/timeline.ts';
import type { NewFrame, StoredFrame } from './timeline.ts';

const layersSchema = z.array(layerSchema);
const imagesSchema = z.array(z.string());

/** JSON arrives as text (SQLite) or parsed (PostgreSQL json); it was written from checked layers, and is checked again. */
export function toStoredFrame(row: Row): StoredFrame {
  const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
  return {
    seq: Number(row.seq),
    roomId: String(row.room_id),
    at: isoString(row.at),
    event: timelineEvent(row.event),
    actorId: row.actor_id === null || row.actor_id === undefined ? null : String(row.actor_id),
    prompt: String(row.prompt),
    layers: layersSchema.parse(json(row.layers)),
    images: imagesSchema.parse(json(row.images)),
    workId: row.work_id === null || row.work_id === undefined ? null : String(row.work_id),
  };
}

/** A frame's columns in the order both stores insert them: room, at, event, actor, prompt, layers, images, work. */
export function frameColumns(frame: NewFrame): [string, string, TimelineEvent, string | null, string, string, string, string | null] {
  return [
    frame.roomId,
    frame.at,
    frame.event,
    frame.actorId,
    frame.prompt,
    JSON.stringify(frame.layers),
    JSON.stringify(frame.images),
    frame.workId,
  ];
}
