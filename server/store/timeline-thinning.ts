// Which frames go when a room's timeline is over its limit: prompt frames
// first (typing is the most frequent and the least telling change), then
// layer tweaks, generations, placements, and publishes last. Within a kind,
// every other frame from the oldest on, so older stretches get sparser first
// while each keeps its shape. The room's first and last frames always stay.
import { TIMELINE_EVENTS, type TimelineEvent } from '../../shared/timeline.ts';

export interface FrameKey {
  seq: number;
  event: TimelineEvent;
}

/**
 * The seqs to delete from `frames` (oldest first) so that at most
 * `floor(max × 3/4)` remain once a room passes `max`. Thinning by a quarter
 * at once, rather than one frame per append, is what makes it a thinning:
 * each round halves the oldest remaining stretch of a kind instead of eating
 * the timeline from its start.
 */
export function framesToThin(frames: readonly FrameKey[], max: number): number[] {
  if (frames.length <= max) return [];
  const target = Math.max(2, max - Math.floor(max / 4));
  let excess = frames.length - target;
  const removed = new Set<number>();
  const first = frames[0]?.seq;
  const last = frames.at(-1)?.seq;
  for (const kind of TIMELINE_EVENTS) {
    for (;;) {
      if (excess <= 0) return [...removed];
      const candidates = frames.filter((f) => f.event === kind && f.seq !== first && f.seq !== last && !removed.has(f.seq));
      if (candidates.length === 0) break;
      // Every other one from the oldest; a lone candidate goes on its own.
      const step = candidates.length === 1 ? [candidates[0]] : candidates.filter((_, i) => i % 2 === 1);
      for (const frame of step) {
        if (excess <= 0 || frame === undefined) break;
        removed.add(frame.seq);
        excess--;
      }
    }
  }
  return [...removed];
}

/** A frame kind as stored, checked. */
export function timelineEvent(value: unknown): TimelineEvent {
  const event = TIMELINE_EVENTS.find((e) => e === value);
  if (event === undefined) throw new Error(`unknown timeline event ${String(value)}`);
  return event;
}
