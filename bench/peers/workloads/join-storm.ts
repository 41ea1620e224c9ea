// Join storm: N clients into N rooms at once, timed from the first connection
// attempt until the last client holds its document.
import { type Summary, summarize } from '../../lib/stats.ts';
import type { StormParams } from '../config.ts';
import { cpuBetween, type Session, sample } from './session.ts';

export interface StormResult {
  clients: number;
  synced: number;
  failed: number;
  firstError?: string;
  seconds: number;
  joinMs: Summary;
  /** Cores kept busy by every other process on the machine meanwhile (rooms' creation included). */
  otherCpu: number;
}

export async function measureJoinStorm(session: Session, params: StormParams): Promise<StormResult> {
  const before = sample(session);
  const stormed = await session.load.request({ type: 'storm', rooms: params.rooms, concurrency: params.concurrency }, 'stormed');
  const result: StormResult = {
    clients: stormed.clients,
    synced: stormed.synced,
    failed: stormed.failed,
    seconds: stormed.seconds,
    joinMs: summarize(stormed.joinMs),
    otherCpu: cpuBetween(before, sample(session)).other,
  };
  if (stormed.firstError !== undefined) result.firstError = stormed.firstError;
  return result;
}
