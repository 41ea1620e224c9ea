// Making-of keyframes: how many a room keeps and how typing is sampled (Config's `timeline`).
import { int, setting } from './setting.ts';

export const timelineSettings = {
  maxFrames: setting(
    'TIMELINE_MAX_FRAMES',
    int(10, 100_000).default(500),
    "making-of keyframes kept per room; past it, older prompt frames are thinned first (a work's timeline is its room's, up to the publish)",
  ),
  pauseMs: setting(
    'TIMELINE_PAUSE_MS',
    int(50, 60_000).default(1500),
    'a making-of frame of prompt typing or layer tweaking is recorded once the room has been still this long',
  ),
  promptChars: setting(
    'TIMELINE_PROMPT_CHARS',
    int(1, 100_000).default(40),
    'while typing goes on without a pause, a making-of prompt frame every this many characters changed',
  ),
};
