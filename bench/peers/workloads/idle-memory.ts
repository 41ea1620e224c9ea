// Idle memory: the server's RSS with N idle clients (connected and synced, no
// awareness state, nothing typed) in M rooms, less its RSS when empty.
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleProcess } from '../../lib/proc-stats.ts';
import type { IdleParams } from '../config.ts';
import { cpuBetween, type Session, sample } from './session.ts';

export interface IdleResult {
  rooms: number;
  clients: number;
  failed: number;
  connectSeconds: number;
  emptyRssMb: number;
  loadedRssMb: number;
  perClientKb: number;
  perRoomKb: number;
  /** Cores kept busy by every other process on the machine while the clients joined and settled. */
  otherCpu: number;
}

export async function measureIdleMemory(session: Session, params: IdleParams, concurrency: number): Promise<IdleResult> {
  const empty = sampleProcess(session.server.pid).rssBytes;
  const before = sample(session);
  const connected = await session.load.request(
    { type: 'connect', rooms: params.rooms, clientsPerRoom: params.clientsPerRoom, observerRooms: 0, observersPerRoom: 0, concurrency },
    'connected',
  );
  await sleep(params.settleSeconds * 1000);
  const loaded = sampleProcess(session.server.pid).rssBytes;
  const cpu = cpuBetween(before, sample(session));
  const delta = loaded - empty;
  return {
    rooms: connected.rooms,
    clients: connected.clients,
    failed: connected.failed,
    connectSeconds: connected.seconds,
    emptyRssMb: empty / 2 ** 20,
    loadedRssMb: loaded / 2 ** 20,
    perClientKb: delta / Math.max(1, connected.clients) / 1024,
    perRoomKb: delta / Math.max(1, connected.rooms) / 1024,
    otherCpu: cpu.other,
  };
}
