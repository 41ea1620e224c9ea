// A room's making-of keyframes (docs/live.md § Making-of), kept apart from
// the document log so that compaction, which merges the log's history away,
// never touches them. One implementation per backend;
// tests/timeline/timeline-store-contract.ts is the suite each must pass.
import type { Layer } from '../../shared/doc-schema.ts';
import type { TimelineEvent } from '../../shared/timeline.ts';

export interface NewFrame {
  roomId: string;
  at: string;
  event: TimelineEvent;
  /** Who acted; null when nobody did. */
  actorId: string | null;
  prompt: string;
  layers: Layer[];
  /** `generate`: the images added to the tray; empty otherwise. */
  images: string[];
  /** `publish`: the work it made, the end of that work's timeline. */
  workId: string | null;
}

export interface StoredFrame extends NewFrame {
  /** Insertion order within the store. */
  seq: number;
}

export interface TimelineStore {
  /**
   * Appends a frame. When the room then holds more than `maxFrames`, it is
   * thinned (timeline-thinning.ts) in the same transaction.
   */
  append(frame: NewFrame, maxFrames: number): Promise<void>;
  /**
   * Appends frames of any rooms in their order, each as append would; the
   * embedded store commits them together (one commit, not one per frame).
   */
  appendMany(frames: readonly NewFrame[], maxFrames: number): Promise<void>;
  /**
   * The room's frames, oldest first, up to and including the publish frame
   * of `work.id`; without one (never recorded, or thinned), those recorded at
   * or before `work.createdAt`.
   */
  forWork(roomId: string, work: { id: string; createdAt: string }): Promise<StoredFrame[]>;
  /** How many frames the room holds. */
  count(roomId: string): Promise<number>;
}
