// How a job run ended, when it did not succeed: cancelled, interrupted, past
// its deadline, refused by its provider, or broken.
import type { JobError, JobImage } from '../../shared/protocol.ts';
import { ProviderError } from './provider-error.ts';

export type Outcome = { status: 'succeeded'; results: JobImage[] } | { status: 'failed'; error: JobError } | { status: 'cancelled' };

/** Why a job's signal aborted, when it was not the deadline. */
export class JobStop {
  readonly kind: 'cancelled' | 'interrupted';
  constructor(kind: 'cancelled' | 'interrupted') {
    this.kind = kind;
  }
}

/** The outcome of a run that threw `err`; `internal` (to be logged) when nothing explains it. */
export function failureOutcome(err: unknown, signal: AbortSignal, deadline: AbortSignal, timeoutMs: number): Outcome {
  if (signal.aborted) {
    const stop = signal.reason instanceof JobStop ? signal.reason.kind : 'interrupted';
    return stop === 'cancelled'
      ? { status: 'cancelled' }
      : { status: 'failed', error: { code: 'interrupted', message: 'the server stopped while the job ran' } };
  }
  if (deadline.aborted) return { status: 'failed', error: { code: 'timeout', message: `the job ran longer than ${timeoutMs} ms` } };
  if (err instanceof ProviderError) {
    const error: JobError = { code: err.code, message: err.message };
    if (err.retryAfterMs !== undefined) error.retryAfterMs = err.retryAfterMs;
    return { status: 'failed', error };
  }
  return { status: 'failed', error: { code: 'internal', message: 'the job failed unexpectedly' } };
}
