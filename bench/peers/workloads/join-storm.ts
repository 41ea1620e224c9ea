// Join storm: N clients into N rooms at once, timed from the first connection
// attempt until the last client holds its document, and the server's CPU time
// over it (less swayed than the time by the rest of a busy machine).
import { type Summary, summarize } from '../../lib/stats.ts';
import type { StormParams } from '../config.ts';
import { cpuBetween, type Session, sample } from './session.ts';

export interface StormResult {
  clients: number;
  synced: number;
  failed: number;
  firstError?: string;
  seconds: number;
  /** The server process's CPU time (user and system) from the first attempt until the storm's reply. */
  serverCpuSeconds?: number;
  joinMs: Summary;
  /** Cores kept busy by every other process on the machine meanwhile. */
  otherCpu: number;
}

export async function measureJoinStorm(session: Session, params: StormParams): Promise<StormResult> {
  await session.load.request({ type: 'stormRooms', rooms: params.rooms }, 'ok');
  const before = sample(session);
  const stormed = await session.load.request({ type: 'storm', concurrency: params.concurrency }, 'stormed');
  const after = sample(session);
  const result: StormResult = {
    clients: stormed.clients,
    synced: stormed.synced,
    failed: stormed.failed,
    seconds: stormed.seconds,
    serverCpuSeconds: after.server.cpuSeconds - before.server.cpuSeconds,
    joinMs: summarize(stormed.joinMs),
    otherCpu: cpuBetween(before, after).other,
  };
  if (stormed.firstError !== undefined) result.firstError = stormed.firstError;
  return result;
}
