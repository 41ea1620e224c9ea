import { mergeAll } from '../../../shared/merge-all.ts';
import type { ClientClaim, CompactionResult, DocLog, LogBatch, StoredDoc } from '../doc-log.ts';
import { type MergeUpdates, mergeInline } from '../merge.ts';
import { bytes, LOCK_SPACE, type Pool, toBuffer, transaction } from './database.ts';

export class PostgresDocLog implements DocLog {
  readonly #pool: Pool;
  readonly #merge: MergeUpdates;

  constructor(pool: Pool, merge: MergeUpdates = mergeInline) {
    this.#pool = pool;
    this.#merge = merge;
  }

  async load(roomId: string): Promise<StoredDoc> {
    const { rows } = await this.#pool.query<{ data: Buffer }>('SELECT data FROM doc_updates WHERE room_id = $1 ORDER BY seq', [roomId]);
    if (rows.length === 0) return { update: null, entries: 0, bytes: 0 };
    const updates = rows.map((row) => bytes(row.data));
    const total = updates.reduce((sum, u) => sum + u.byteLength, 0);
    return { update: mergeAll(updates), entries: updates.length, bytes: total };
  }

  async append(roomId: string, updates: readonly Uint8Array[], claims: readonly ClientClaim[] = []): Promise<void> {
    if (updates.length === 0) return;
    await this.appendMany([{ roomId, updates, claims }]);
  }

  async claims(roomId: string): Promise<ClientClaim[]> {
    const { rows } = await this.#pool.query<{ client_id: string; user_id: string }>(
      'SELECT client_id, user_id FROM room_clients WHERE room_id = $1',
      [roomId],
    );
    return rows.map((row) => ({ clientId: Number(row.client_id), userId: row.user_id }));
  }

  async claim(roomId: string, { clientId, userId }: ClientClaim): Promise<string> {
    const params = [roomId, clientId, userId];
    // The insert's answer, or the row that was there: one round trip when nobody raced.
    const { rows } = await this.#pool.query<{ user_id: string }>(
      `WITH claimed AS (
         INSERT INTO room_clients (room_id, client_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id
       )
       SELECT user_id FROM claimed UNION ALL SELECT user_id FROM room_clients WHERE room_id = $1 AND client_id = $2`,
      params,
    );
    if (rows[0]) return rows[0].user_id;
    // A racing claim committed while this statement waited for it: its snapshot could not see the row; a new one does.
    const again = await this.#pool.query<{ user_id: string }>('SELECT user_id FROM room_clients WHERE room_id = $1 AND client_id = $2', [
      roomId,
      clientId,
    ]);
    const owner = again.rows[0]?.user_id;
    if (owner === undefined) throw new Error(`client id ${clientId} of room ${roomId} is claimed by nobody after a claim`);
    return owner;
  }

  async appendMany(batches: readonly LogBatch[]): Promise<void> {
    const rooms: string[] = [];
    const data: Buffer[] = [];
    const claimRooms: string[] = [];
    const clientIds: number[] = [];
    const userIds: string[] = [];
    for (const { roomId, updates, claims = [] } of batches) {
      for (const update of updates) {
        rooms.push(roomId);
        data.push(toBuffer(update));
      }
      for (const claim of claims) {
        claimRooms.push(roomId);
        clientIds.push(claim.clientId);
        userIds.push(claim.userId);
      }
    }
    if (data.length === 0) return;
    // One statement, so every room's part lands or none does; unnest keeps the
    // order. The claims ride in the same statement (a data-modifying CTE); the
    // first claim of a client id stands, a racing one changes nothing.
    if (clientIds.length === 0) {
      await this.#pool.query('INSERT INTO doc_updates (room_id, data) SELECT * FROM unnest($1::text[], $2::bytea[])', [rooms, data]);
      return;
    }
    await this.#pool.query(
      `WITH claimed AS (
         INSERT INTO room_clients (room_id, client_id, user_id) SELECT * FROM unnest($3::text[], $4::bigint[], $5::text[])
         ON CONFLICT DO NOTHING
       )
       INSERT INTO doc_updates (room_id, data) SELECT * FROM unnest($1::text[], $2::bytea[])`,
      [rooms, data, claimRooms, clientIds, userIds],
    );
  }

  /**
   * Several nodes may try at once: a transaction-scoped advisory lock per room
   * lets one through and the others return at once (merged: 0), since the
   * work is being done. The transaction holds no row locks while it merges
   * (possibly on another thread), so appends never wait for it. Only the rows
   * read are deleted, by their seq: an append committed meanwhile, whatever
   * seq it drew, is never touched; if any of them has gone (a removal), it
   * gives up and changes nothing.
   */
  async compact(roomId: string): Promise<CompactionResult> {
    try {
      return await transaction(this.#pool, async (client) => {
        const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [
          LOCK_SPACE.compaction,
          roomId,
        ]);
        if (!lock.rows[0]?.locked) return { merged: 0, bytesBefore: 0, bytesAfter: 0 };
        const { rows } = await client.query<{ seq: string; data: Buffer }>(
          'SELECT seq, data FROM doc_updates WHERE room_id = $1 ORDER BY seq',
          [roomId],
        );
        const updates = rows.map((row) => bytes(row.data));
        const bytesBefore = updates.reduce((sum, u) => sum + u.byteLength, 0);
        if (rows.length < 2) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
        const merged = await this.#merge(updates);
        const deleted = await client.query('DELETE FROM doc_updates WHERE room_id = $1 AND seq = ANY($2::bigint[])', [
          roomId,
          rows.map((row) => row.seq),
        ]);
        if (deleted.rowCount !== rows.length) throw new CompactionConflict(bytesBefore);
        await client.query('INSERT INTO doc_updates (room_id, data) VALUES ($1, $2)', [roomId, toBuffer(merged)]);
        return { merged: rows.length, bytesBefore, bytesAfter: merged.byteLength };
      });
    } catch (err) {
      if (err instanceof CompactionConflict) return { merged: 0, bytesBefore: err.bytes, bytesAfter: err.bytes };
      throw err;
    }
  }

  async remove(roomId: string): Promise<void> {
    await this.#pool.query('WITH claims AS (DELETE FROM room_clients WHERE room_id = $1) DELETE FROM doc_updates WHERE room_id = $1', [
      roomId,
    ]);
  }
}

/** Thrown inside the transaction to roll it back. */
class CompactionConflict extends Error {
  readonly bytes: number;
  constructor(bytes: number) {
    super('log changed under compaction');
    this.bytes = bytes;
  }
}
