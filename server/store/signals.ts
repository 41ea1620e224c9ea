// Creative signals as records (docs/signals.md): who did what, in which room,
// when, and every user a record is about, so that an export can leave out
// anyone who does not share signals. One implementation per backend;
// tests/signals/signal-store-contract.ts is the suite each must pass.
import type { SignalBody, SignalType } from '../../shared/signals.ts';

interface SignalEnvelope {
  /** Natural key of the event: storing the same event twice (a retry, a second node) keeps one. */
  key: string;
  /** Who acted. */
  userId: string;
  roomId: string;
  /** The generation it concerns, for prompt revisions, generations, outcomes and pairs. */
  jobId: string | null;
  at: string;
}

export type NewSignal = SignalBody &
  SignalEnvelope & {
    /**
     * Every user the record is about (the actor included). It is exported only
     * while every one of them shares signals.
     */
    subjects: readonly string[];
  };

export type StoredSignal = SignalBody &
  SignalEnvelope & {
    /** Insertion order: unique and increasing; the export's key. */
    seq: number;
  };

export type StoredOf<T extends SignalType> = Extract<StoredSignal, { type: T }>;

export interface SharedPageQuery {
  /** Only records with `at` at or after this ISO time. */
  since: string;
  /** Only records with a higher seq; from the first when absent. */
  after?: number;
  limit: number;
}

export interface SignalStore {
  /** Stores, in one transaction, the signals whose keys are new; returns how many were. */
  append(signals: readonly NewSignal[]): Promise<number>;
  /** The room's latest signal of this type (highest seq), or null. */
  latest<T extends SignalType>(roomId: string, type: T): Promise<StoredOf<T> | null>;
  /** The job's signals of this type, in seq order. */
  forJob<T extends SignalType>(jobId: string, type: T): Promise<Array<StoredOf<T>>>;
  /**
   * One page of the records every subject of which shares signals now (a user
   * the store does not know does not), seq ascending.
   */
  sharedPage(query: SharedPageQuery): Promise<StoredSignal[]>;
}

/**
 * Every shareable record since a time, read page by page (keyset on seq), so
 * memory holds one page however many there are. Consent is read again for
 * each page: a withdrawal takes effect even in an export already running.
 */
export async function* streamShared(store: SignalStore, since: string, pageSize: number): AsyncGenerator<StoredSignal[]> {
  let after: number | undefined;
  for (;;) {
    const page = await store.sharedPage(after === undefined ? { since, limit: pageSize } : { since, after, limit: pageSize });
    if (page.length === 0) return;
    yield page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = last.seq;
  }
}
