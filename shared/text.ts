// Free text that one person types and others are shown: names, room and work
// titles, captions, bios, comments, notes. Every such field enters through
// textSchema (or keptText and textProblem where the length has its own error),
// so they are all kept in one form and refuse the same characters.
//
// The form: trimmed, and in Unicode's composed normal form (NFC), so that "é"
// typed as e + U+0301 (as macOS and some keyboards send it) and as U+00E9 is
// one name, one title, one search word, whatever the typist's system sent.
//
// Refused: C0 and C1 controls (a multi-line field keeps tab and line breaks);
// unpaired UTF-16 surrogates, which JSON can carry (`"\ud800"`) but no encoder
// can write out as UTF-8, so they would reach the store and every page as
// U+FFFD or an encoding error; and the bidirectional embedding, override and
// isolate controls, which make text show in another order than it is stored
// ("photo" + U+202E + "gnp.exe" shows as "photoexe.png"): browsers lay out
// right-to-left text without them, and the marks that only hint a direction
// (U+200E, U+200F) stay allowed.
import { z } from 'zod';

/** 'line': one line (a name, a title); 'lines': a text box (a bio, a comment), which may hold tab and line breaks. */
export type TextLines = 'line' | 'lines';

const CONTROL: Record<TextLines, RegExp> = { line: /\p{Cc}/u, lines: /(?![\t\n\r])\p{Cc}/u };
// With the u flag, \p{Cs} matches only a surrogate that is not half of a pair.
const UNPAIRED_SURROGATE = /\p{Cs}/u;
/** Embedding and override (U+202A–U+202E), isolate (U+2066–U+2069). */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;

/** Why `text` may not be shown as typed, or null when it may. */
export function textProblem(text: string, lines: TextLines): string | null {
  if (CONTROL[lines].test(text)) return 'control characters are not allowed';
  if (UNPAIRED_SURROGATE.test(text)) return 'unpaired surrogates are not allowed';
  if (BIDI_CONTROL.test(text)) return 'bidirectional controls are not allowed';
  return null;
}

/** Free text in the one form it is kept and compared in: composed (NFC) and trimmed. */
export function keptText(text: string): string {
  return text.normalize('NFC').trim();
}

export interface TextBounds {
  lines: TextLines;
  /** Fewest characters once kept (default 0). */
  min?: number;
  max: number;
  /** Count code points (an emoji is one) rather than UTF-16 units, as the field always has. */
  codePoints?: boolean;
}

/** A free-text field as it enters: kept (keptText), within its bounds, without the characters textProblem refuses. */
export function textSchema(bounds: TextBounds) {
  const { lines, min = 0, max, codePoints = false } = bounds;
  // Bounds count the kept form: the one stored and shown.
  const base = z.string().overwrite(keptText);
  const bounded = codePoints
    ? base
        .refine((s) => min === 0 || [...s].length >= min, `at least ${min} characters`)
        .refine((s) => [...s].length <= max, `at most ${max} characters`)
    : base.min(min).max(max);
  return bounded.superRefine((s, ctx) => {
    const problem = textProblem(s, lines);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/**
 * Text someone else wrote where it could not be refused (a shared document's
 * title, layer names, candidates' prompts, the room's prompt in a work):
 * composed (NFC) as kept text is, or '' (shown as none) when textProblem
 * refuses it. Not trimmed: a caller that keeps it trims it.
 */
export function shownOrNone(text: string, lines: TextLines): string {
  return textProblem(text, lines) === null ? text.normalize('NFC') : '';
}

/** At most `max` UTF-16 units of `text`, never cutting a surrogate pair in half. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
