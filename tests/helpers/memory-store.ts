// An in-memory DocLog and RecordStore for fast room tests, with a switch that
// makes the log fail like a database that went away.
import * as Y from 'yjs';
import type { ClientClaim, CompactionResult, DocLog, LogBatch, StoredDoc } from '../../server/store/doc-log.ts';
import type { InviteRecord, RecordStore, RoomRecord, UserRecord } from '../../server/store/records.ts';

export class MemoryDocLog implements DocLog {
  readonly rooms = new Map<string, Uint8Array[]>();
  readonly roomClients = new Map<string, Map<number, string>>();
  loads = 0;
  appends = 0;
  compactions = 0;
  failing = false;

  async load(roomId: string): Promise<StoredDoc> {
    this.loads++;
    await new Promise((r) => setTimeout(r, 5));
    const entries = this.rooms.get(roomId) ?? [];
    const bytes = entries.reduce((s, u) => s + u.byteLength, 0);
    return { update: entries.length ? Y.mergeUpdates(entries) : null, entries: entries.length, bytes };
  }

  async append(roomId: string, updates: readonly Uint8Array[], claims: readonly ClientClaim[] = []): Promise<void> {
    if (this.failing) throw new Error('database unavailable');
    this.appends++;
    this.rooms.set(roomId, [...(this.rooms.get(roomId) ?? []), ...updates]);
    this.#claim(roomId, claims);
  }

  async claims(roomId: string): Promise<ClientClaim[]> {
    return [...(this.roomClients.get(roomId) ?? [])].map(([clientId, userId]) => ({ clientId, userId }));
  }

  async claim(roomId: string, claim: ClientClaim): Promise<string> {
    if (this.failing) throw new Error('database unavailable');
    this.#claim(roomId, [claim]);
    return this.roomClients.get(roomId)?.get(claim.clientId) ?? claim.userId;
  }

  #claim(roomId: string, claims: readonly ClientClaim[]): void {
    const owners = this.roomClients.get(roomId) ?? new Map<number, string>();
    this.roomClients.set(roomId, owners);
    for (const { clientId, userId } of claims) if (!owners.has(clientId)) owners.set(clientId, userId);
  }

  batches = 0;

  async appendMany(batches: readonly LogBatch[]): Promise<void> {
    if (this.failing) throw new Error('database unavailable');
    this.batches++;
    for (const { roomId, updates, claims = [] } of batches) {
      this.appends++;
      this.rooms.set(roomId, [...(this.rooms.get(roomId) ?? []), ...updates]);
      this.#claim(roomId, claims);
    }
  }

  async compact(roomId: string): Promise<CompactionResult> {
    if (this.failing) throw new Error('database unavailable');
    const entries = this.rooms.get(roomId) ?? [];
    const bytesBefore = entries.reduce((s, u) => s + u.byteLength, 0);
    if (entries.length < 2) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
    this.compactions++;
    const merged = Y.mergeUpdates(entries);
    this.rooms.set(roomId, [merged]);
    return { merged: entries.length, bytesBefore, bytesAfter: merged.byteLength };
  }

  async remove(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
  }
}

/** Just enough records for the registry: every room id in `rooms` exists. */
export function memoryRecords(rooms: string[]): RecordStore {
  const room = (id: string): RoomRecord => ({ id, title: 't', ownerId: 'o', linkAccess: 'edit', remixOf: null, createdAt: '' });
  const unused = async (): Promise<never> => {
    throw new Error('not used by these tests');
  };
  return {
    getRoom: async (id: string) => (rooms.includes(id) ? room(id) : null),
    createUser: unused,
    getUser: async (): Promise<UserRecord | null> => null,
    updateUser: unused,
    createRoom: unused,
    updateRoom: unused,
    getInvites: async (): Promise<InviteRecord[]> => [],
    getInvite: async () => null,
    getMembership: async () => null,
    rememberMembership: unused,
    listRooms: async () => [],
  };
}
