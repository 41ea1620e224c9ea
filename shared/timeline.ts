// A work's making-of (docs/live.md § Making-of): the keyframes a room recorded
// from its first edit to the publish, as `GET /api/works/:id/timeline` serves
// them. The client imports only the types; the server and tests parse with
// the schemas.
import { z } from 'zod';
import { layerSchema } from './doc-schema.ts';

/** What changed at a frame, from least to most telling (thinning removes the first kinds first). */
export const TIMELINE_EVENTS = ['prompt', 'layer', 'generate', 'place', 'publish'] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

const actorSchema = z.object({
  id: z.string(),
  name: z.string(),
  color: z.string(),
  handle: z.string().optional(),
  avatarUrl: z.string().optional(),
});

export const timelineFrameSchema = z.object({
  /** ISO time the frame was recorded. */
  at: z.string(),
  event: z.enum(TIMELINE_EVENTS),
  /** Who acted; null for a change nobody made (none of ours today, but old frames may lack one). */
  actor: actorSchema.nullable(),
  /** The prompt text at that moment; null when the work hides its prompt. */
  prompt: z.string().nullable(),
  /** The layer stack, bottom first, each layer as the document holds it. */
  layers: z.array(layerSchema),
  /** `generate` frames: the images the generation added to the tray. */
  images: z.array(z.string()).optional(),
});
export type TimelineFrame = z.infer<typeof timelineFrameSchema>;

export const timelineResponseSchema = z.object({
  /** The canvas as published: frames are drawn on it. */
  canvas: z.object({ width: z.number().int(), height: z.number().int(), background: z.string() }),
  /** Oldest first; the last is the publish. */
  frames: z.array(timelineFrameSchema),
  promptHidden: z.boolean(),
});
export type TimelineResponse = z.infer<typeof timelineResponseSchema>;
