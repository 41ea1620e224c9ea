import type { AccountStore } from './accounts.ts';
import type { DocLog } from './doc-log.ts';
import type { JobStore } from './jobs.ts';
import type { LiveStore } from './live.ts';
import type { GalleryStore } from './gallery.ts';
import type { RecordStore } from './records.ts';
import type { SessionStore } from './sessions.ts';
import type { SignalStore } from './signals.ts';
import type { SocialStore } from './social.ts';
import type { TimelineStore } from './timeline.ts';

/** Every persistent part of one backend (SQLite or PostgreSQL). */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly docLog: DocLog;
  readonly records: RecordStore;
  readonly jobs: JobStore;
  readonly gallery: GalleryStore;
  readonly signals: SignalStore;
  readonly sessions: SessionStore;
  readonly accounts: AccountStore;
  readonly social: SocialStore;
  /** Making-of keyframes (docs/live.md § Making-of). */
  readonly timeline: TimelineStore;
  /** Listed rooms and granted roles (docs/live.md). */
  readonly live: LiveStore;
  /** Cheap liveness check for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
