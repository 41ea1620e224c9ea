// The schemas the social layer's inputs are checked with where they enter.
import { z } from 'zod';
import {
  MODERATION_ACTIONS,
  NOTIFICATION_TYPES,
  normalizeTag,
  REPORT_NOTE_MAX,
  REPORT_REASONS,
  REPORT_TARGET_TYPES,
  TAG_MAX_LENGTH,
} from './social.ts';
import { textSchema } from './text.ts';

export const tagSchema = z
  .string()
  .max(TAG_MAX_LENGTH + 8)
  .transform((raw, ctx) => {
    const tag = normalizeTag(raw);
    if (tag === null) {
      ctx.addIssue({ code: 'custom', message: `a tag is 1–${TAG_MAX_LENGTH} characters of a-z, 0-9 and -` });
      return z.NEVER;
    }
    return tag;
  });

export const newCommentSchema = z.strictObject({
  body: z.string(),
  parentId: z.string().max(64).nullish(),
});
export const editCommentSchema = z.strictObject({ body: z.string() });

export const markReadSchema = z.strictObject({ upTo: z.string().max(64).optional() });

export const notificationSettingsSchema = z.strictObject({
  muted: z.array(z.enum(NOTIFICATION_TYPES)).max(NOTIFICATION_TYPES.length),
});

export const newReportSchema = z.strictObject({
  target: z.strictObject({ type: z.enum(REPORT_TARGET_TYPES), id: z.string().min(1).max(64) }),
  reason: z.enum(REPORT_REASONS),
  note: textSchema({ lines: 'lines', max: REPORT_NOTE_MAX }).optional(),
});
export const moderationActionSchema = z.strictObject({ action: z.enum(MODERATION_ACTIONS) });
