// A DocLog whose appends made during a turn's persist phase are committed
// together: every room's savers hand their batches over, and one appendMany
// commits them all before the turn publishes anything (turn-end.ts). On SQLite
// a commit costs whole WAL pages and a hundred rooms typing made a hundred
// commits per turn; now it is one.
import type { ClientClaim, CompactionResult, DocLog, LogBatch, StoredDoc } from '../../store/doc-log.ts';
import type { TurnEnd } from './turn-end.ts';

interface Waiting extends LogBatch {
  resolve(): void;
  reject(err: unknown): void;
}

export class TurnBatchedLog implements DocLog {
  readonly #log: DocLog;
  readonly #turn: TurnEnd;
  #waiting: Waiting[] = [];

  constructor(log: DocLog, turn: TurnEnd) {
    this.#log = log;
    this.#turn = turn;
  }

  load(roomId: string): Promise<StoredDoc> {
    return this.#log.load(roomId);
  }

  /** Resolves once this turn's combined commit has landed (rejects if it failed: nothing of it landed). */
  append(roomId: string, updates: readonly Uint8Array[], claims: readonly ClientClaim[] = []): Promise<void> {
    if (updates.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (this.#waiting.push({ roomId, updates, claims, resolve, reject }) === 1) this.#turn.persist(this.#commit);
    });
  }

  claims(roomId: string): Promise<ClientClaim[]> {
    return this.#log.claims(roomId);
  }

  claim(roomId: string, claim: ClientClaim): Promise<string> {
    return this.#log.claim(roomId, claim);
  }

  appendMany(batches: readonly LogBatch[]): Promise<void> {
    return this.#log.appendMany(batches);
  }

  compact(roomId: string): Promise<CompactionResult> {
    return this.#log.compact(roomId);
  }

  remove(roomId: string): Promise<void> {
    return this.#log.remove(roomId);
  }

  #commit = (): void => {
    const waiting = this.#waiting;
    this.#waiting = [];
    // An embedded log commits synchronously inside this call, before the turn publishes.
    this.#log.appendMany(waiting).then(
      () => {
        for (const w of waiting) w.resolve();
      },
      (err: unknown) => {
        for (const w of waiting) w.reject(err);
      },
    );
  };
}
