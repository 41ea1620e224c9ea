import type { DocLog } from './doc-log.ts';
import type { JobStore } from './jobs.ts';
import type { GalleryStore } from './gallery.ts';
import type { RecordStore } from './records.ts';
import type { SignalStore } from './signals.ts';
import type { SocialStore } from './social.ts';

/** Every persistent part of one backend (SQLite or PostgreSQL). */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly docLog: DocLog;
  readonly records: RecordStore;
  readonly jobs: JobStore;
  readonly gallery: GalleryStore;
  readonly signals: SignalStore;
  readonly social: SocialStore;
  /** Cheap liveness check for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
