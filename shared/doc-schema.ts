// The room document (docs/protocol.md, "The room document"): root names, field ranges, defaults, and the
// check that the server, the renderer and the client apply to every layer.
import * as Y from 'yjs';
import { z } from 'zod';
import { clipText, shownOrNone, textSchema } from './text.ts';

export const ROOTS = {
  prompt: 'prompt',
  layers: 'layers',
  candidates: 'candidates',
  meta: 'meta',
} as const;

/**
 * Makes each root type of the room document, as the readers of a room do on
 * first use. Called inside a transaction this costs none of its own (making a
 * Y.Array alone runs one), so the server makes them in the one that loads a room.
 */
export function defineRoots(doc: Y.Doc): void {
  doc.getText(ROOTS.prompt);
  doc.getArray(ROOTS.layers);
  doc.getArray(ROOTS.candidates);
  doc.getMap(ROOTS.meta);
}

export const BLEND_MODES = [
  'normal',
  'multiply',
  'screen',
  'overlay',
  'darken',
  'lighten',
  'soft-light',
  'hard-light',
  'difference',
] as const;
export type BlendMode = (typeof BLEND_MODES)[number];

/** A room's title, in its record and its document's `meta`, in UTF-16 units. */
export const ROOM_TITLE_MAX = 120;

export const CANVAS_DEFAULTS = { width: 1024, height: 1024, background: '#ffffff' } as const;
export const CANVAS_LIMITS = { minSide: 64, maxSide: 4096 } as const;
export const SCALE_LIMITS = { min: 0.01, max: 100 } as const;
/** Positions may lie off-canvas (a layer can hang over the edge) but not absurdly so. */
export const POSITION_LIMIT = 100_000;

/** `/media/<sha256>.<ext>`: the only image sources a layer may have. */
export const MEDIA_SRC_PATTERN = /^\/media\/[0-9a-f]{64}\.(png|webp|jpg)$/;

const finite = z.number().refine(Number.isFinite, 'must be finite');

export const layerSchema = z.object({
  id: z.string().min(1).max(64),
  // Any editor writes it and everyone is shown it: one the free-text rule refuses reads as none ("Untitled layer").
  name: z
    .string()
    .max(120)
    .transform((name) => shownOrNone(name, 'line')),
  src: z.string().regex(MEDIA_SRC_PATTERN, 'must be a /media/ file of this server'),
  visible: z.boolean(),
  opacity: finite.min(0).max(1),
  blend: z.enum(BLEND_MODES),
  x: finite.min(-POSITION_LIMIT).max(POSITION_LIMIT),
  y: finite.min(-POSITION_LIMIT).max(POSITION_LIMIT),
  scale: finite.min(SCALE_LIMITS.min).max(SCALE_LIMITS.max),
  rotation: finite.min(-360).max(360),
  createdBy: z.string().max(64),
  jobId: z.string().max(64).optional(),
});
export type Layer = z.infer<typeof layerSchema>;

export const candidateSchema = z.object({
  id: z.string().min(1).max(64),
  src: z.string().regex(MEDIA_SRC_PATTERN),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  jobId: z.string().max(64),
  // Shown with the candidate (and named its layer when placed); any editor could write one.
  prompt: z.string().transform((prompt) => shownOrNone(prompt, 'lines')),
  seed: z.number().int(),
  provider: z.string(),
  model: z.string(),
  createdBy: z.string(),
});
export type Candidate = z.infer<typeof candidateSchema>;

export const metaSchema = z.object({
  // Any editor can write the document's title, so it is read through the same rule as the room's.
  title: textSchema({ lines: 'line', max: ROOM_TITLE_MAX }),
  width: z.number().int().min(CANVAS_LIMITS.minSide).max(CANVAS_LIMITS.maxSide),
  height: z.number().int().min(CANVAS_LIMITS.minSide).max(CANVAS_LIMITS.maxSide),
  background: z.string().regex(/^#[0-9a-f]{6}$/i),
});
export type CanvasMeta = z.infer<typeof metaSchema>;

export type LayerCheck = { ok: true; layer: Layer } | { ok: false; id: string; reason: string };

/** Checks one entry of `layers`; never throws, whatever a client wrote there. */
export function checkLayer(value: unknown): LayerCheck {
  const plain = value instanceof Y.Map ? value.toJSON() : value;
  const parsed = layerSchema.safeParse(plain);
  if (parsed.success) return { ok: true, layer: parsed.data };
  const id =
    typeof plain === 'object' && plain !== null && typeof (plain as { id?: unknown }).id === 'string' ? (plain as { id: string }).id : '?';
  const issue = parsed.error.issues[0];
  return { ok: false, id, reason: issue ? `${issue.path.join('.') || 'layer'}: ${issue.message}` : 'invalid layer' };
}

/** The canvas settings, with defaults for anything missing or out of range. */
/**
 * The stack with one entry per layer id. Yjs arrays cannot move an item, so a
 * move re-inserts a copy, and two people moving the same layer at once leave
 * two copies: the upper one wins, for the server and every client alike.
 */
export function topmostById<T extends { id: string }>(bottomFirst: readonly T[]): T[] {
  const seen = new Set<string>();
  const kept: T[] = [];
  for (const entry of bottomFirst.toReversed()) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    kept.push(entry);
  }
  return kept.reverse();
}

export function readMeta(doc: Y.Doc): CanvasMeta {
  const meta = doc.getMap(ROOTS.meta).toJSON();
  const merged = { title: '', ...CANVAS_DEFAULTS, ...meta };
  const parsed = metaSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  return {
    title: typeof meta.title === 'string' ? clipText(shownOrNone(meta.title, 'line').trim(), ROOM_TITLE_MAX) : '',
    ...CANVAS_DEFAULTS,
  };
}

/** Sets a new room's title and fills in any canvas settings it lacks. */
export function initRoomDoc(doc: Y.Doc, title: string): void {
  const meta = doc.getMap(ROOTS.meta);
  doc.transact(() => {
    meta.set('title', title);
    for (const [key, value] of Object.entries(CANVAS_DEFAULTS)) {
      if (!meta.has(key)) meta.set(key, value);
    }
  });
}
