// An export of creative signals (docs/signals.md): the records every subject
// of which shares signals, one JSON object a line, users and rooms replaced
// by pseudonyms. Read and written a page at a time, so an export of any size
// holds one page in memory; whoever consumes the chunks sets the pace.
import { z } from 'zod';
import { SIGNALS_FORMAT_VERSION, type SignalLine } from '../../shared/signals.ts';
import { AppError } from '../errors.ts';
import { assertNever } from '../rooms/origin.ts';
import { type SignalStore, type StoredSignal, streamShared } from '../store/signals.ts';
import type { Pseudonyms } from './pseudonyms.ts';

/** Records read per query, and so per chunk written. */
export const EXPORT_PAGE_SIZE = 500;

/** `2026-01-01` (midnight UTC) or a full ISO time with its offset. */
export const sinceSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'since: a date (2026-01-01) or an ISO time' })
  .transform((value) => new Date(value));

/** The time of the earliest record there can be: an export without `since` has everything. */
export const BEGINNING = new Date(0);

/** Parses `since`; absent means everything, anything else unreadable is a `bad_request`. */
export function parseSince(value: unknown): Date {
  if (value === undefined) return BEGINNING;
  const parsed = sinceSchema.safeParse(value);
  if (!parsed.success) throw new AppError('bad_request', 'since: a date (2026-01-01) or an ISO time (2026-01-01T12:00:00Z)');
  return parsed.data;
}

export interface ExportOptions {
  since: Date;
  pageSize?: number;
  /** Told how many records each chunk holds. */
  onRecords?(count: number): void;
}

/** The export as chunks of whole lines, one chunk per page of records. */
export async function* exportChunks(store: SignalStore, pseudonyms: Pseudonyms, options: ExportOptions): AsyncGenerator<string> {
  for await (const page of streamShared(store, options.since.toISOString(), options.pageSize ?? EXPORT_PAGE_SIZE)) {
    let chunk = '';
    for (const signal of page) chunk += `${JSON.stringify(toLine(signal, pseudonyms))}\n`;
    options.onRecords?.(page.length);
    yield chunk;
  }
}

/** A stored record as an export line: every user and room id in it pseudonymised. */
export function toLine(signal: StoredSignal, pseudonyms: Pseudonyms): SignalLine {
  const envelope: Pick<SignalLine, 'v' | 'seq' | 'at' | 'user' | 'room'> = {
    v: SIGNALS_FORMAT_VERSION,
    seq: signal.seq,
    at: signal.at,
    user: pseudonyms.user(signal.userId),
    room: pseudonyms.room(signal.roomId),
  };
  switch (signal.type) {
    case 'prompt_revision':
      return { ...envelope, type: signal.type, data: signal.data };
    case 'generation':
      return { ...envelope, type: signal.type, data: signal.data };
    case 'candidate_outcome':
      return { ...envelope, type: signal.type, data: signal.data };
    case 'publish':
      return { ...envelope, type: signal.type, data: signal.data };
    case 'like':
    case 'unlike':
      return { ...envelope, type: signal.type, data: signal.data };
    case 'remix':
      return { ...envelope, type: signal.type, data: { ...signal.data, remixRoom: pseudonyms.room(signal.data.remixRoom) } };
    case 'preference_pair': {
      const { data } = signal;
      return {
        ...envelope,
        type: signal.type,
        data: {
          ...data,
          requestedBy: pseudonyms.user(data.requestedBy),
          kept: { ...data.kept, by: pseudonyms.user(data.kept.by) },
          discarded: { ...data.discarded, by: pseudonyms.user(data.discarded.by) },
        },
      };
    }
    default:
      return assertNever(signal);
  }
}
