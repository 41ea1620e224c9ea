// One error vocabulary for every provider, and how each word becomes a job's
// error code. Providers translate their backend's own signals (HTTP statuses,
// error bodies, finish reasons, WebSocket messages) into these words; the
// runner turns them into `job.error`. Messages are written for people and
// never carry a key, a password or an Authorization header.
import type { JobErrorCode } from '../../shared/protocol.ts';

export const PROVIDER_FAILURES = ['bad_request', 'forbidden', 'rate_limited', 'unavailable', 'timeout', 'cancelled', 'internal'] as const;
/** What went wrong, whatever the backend. */
export type ProviderFailure = (typeof PROVIDER_FAILURES)[number];

/** The job error code of each failure, unless the provider names a more precise one. */
export const JOB_CODE_OF: Record<ProviderFailure, JobErrorCode> = {
  bad_request: 'invalid_request',
  forbidden: 'content_policy',
  rate_limited: 'provider_rate_limited',
  unavailable: 'provider_unavailable',
  timeout: 'timeout',
  cancelled: 'provider_cancelled',
  internal: 'provider_error',
};

/** The more precise codes a failure may carry instead of its default. */
const REFINEMENTS: Partial<Record<JobErrorCode, ProviderFailure>> = {
  provider_auth: 'unavailable',
  provider_quota: 'rate_limited',
};

export interface ProviderErrorOptions extends ErrorOptions {
  /** With `rate_limited`: how long the backend asked us to wait. */
  retryAfterMs?: number;
  /** A more precise job code than the failure's default (`provider_auth`, `provider_quota`). */
  code?: JobErrorCode;
}

/** A failure a job reports with a stable code. */
export class ProviderError extends Error {
  readonly failure: ProviderFailure;
  readonly code: JobErrorCode;
  readonly retryAfterMs: number | undefined;
  constructor(failure: ProviderFailure, message: string, options: ProviderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.failure = failure;
    const code = options.code ?? JOB_CODE_OF[failure];
    // A code that contradicts the failure is a bug in the provider, not the backend's doing.
    this.code = code === JOB_CODE_OF[failure] || REFINEMENTS[code] === failure ? code : JOB_CODE_OF[failure];
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The failure of an HTTP status that a backend's body said nothing more precise about. */
export function failureOfStatus(status: number): ProviderFailure {
  if (status === 401 || status === 403) return 'unavailable';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  if (status >= 400) return 'bad_request';
  return 'internal';
}

/** `Retry-After` (seconds or an HTTP date), or `retry-after-ms`; undefined when absent or unreadable. */
export function retryAfterMs(headers: { get(name: string): string | null }, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const MAX_DETAIL = 300;

/** A backend's message, shortened, with anything that looks like a credential masked. */
export function detail(message: string, secrets: readonly string[] = []): string {
  let text = message.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) if (secret) text = text.split(secret).join('***');
  text = text.replace(/(Bearer|Basic|Key|Token)\s+[A-Za-z0-9._~+/=:-]{6,}/gi, '$1 ***');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/**
 * What a provider's failure becomes once the job's signal has aborted: the
 * abort reason itself, so the runner can tell a cancel from the deadline.
 */
export function settle(err: unknown, signal: AbortSignal): unknown {
  return signal.aborted ? signal.reason : err;
}
