// The durable history of a room's document: an append-only log of Yjs updates.
// Never a whole-document overwrite, so concurrent writers (other nodes) can
// never erase each other's edits.

export interface StoredDoc {
  /** All entries merged into one update, or null when the log is empty. */
  update: Uint8Array | null;
  entries: number;
  bytes: number;
  /** The room's client id claims, when the store read them with the log (one snapshot); otherwise ask claims(). */
  claims?: ClientClaim[];
}

export interface CompactionResult {
  /** Entries merged (0 when there was nothing to do). */
  merged: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** A Yjs client id of a room and the user who wrote under it first (docs/protocol.md § Document update rules). */
export interface ClientClaim {
  clientId: number;
  userId: string;
}

export interface LogBatch {
  roomId: string;
  updates: readonly Uint8Array[];
  /** Client ids first used by these updates: stored in the same commit, so a crash cannot split them. */
  claims?: readonly ClientClaim[];
}

export interface DocLog {
  load(roomId: string): Promise<StoredDoc>;
  /** Appends updates in order, atomically, with the client ids they claim (an existing claim is kept). */
  append(roomId: string, updates: readonly Uint8Array[], claims?: readonly ClientClaim[]): Promise<void>;
  /** Appends to several rooms at once, all or nothing (one commit for a turn's appends). */
  appendMany(batches: readonly LogBatch[]): Promise<void>;
  /**
   * Merges every entry present when it starts into one, in one transaction.
   * Entries appended meanwhile stay as they are.
   */
  compact(roomId: string): Promise<CompactionResult>;
  /** Every client id claimed in the room. */
  claims(roomId: string): Promise<ClientClaim[]>;
  /**
   * Claims one client id on its own, unless it is claimed already; answers its
   * owner as stored. Several nodes racing for a new id all get the same answer
   * (docs/scaling.md, "Client id ownership").
   */
  claim(roomId: string, claim: ClientClaim): Promise<string>;
  /** Removes the log and the room's claims. */
  remove(roomId: string): Promise<void>;
}
