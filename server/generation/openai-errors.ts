// OpenAI SDK errors → job error codes, with messages that help a person and
// never carry the API key.
import type { APIError } from 'openai';
import { ProviderError, retryAfterMs } from './provider-error.ts';

/** Error codes OpenAI uses when its safety system refuses a prompt or an image. */
const CONTENT_POLICY_CODES = new Set(['moderation_blocked', 'content_policy_violation']);
const MAX_MESSAGE = 300;

/**
 * What a failed OpenAI call becomes. Once `signal` has aborted (cancel or job
 * timeout) the abort reason itself is returned, so the runner can tell them apart.
 * `sdk` is the loaded SDK module, whose classes the errors are instances of.
 */
export function fromOpenAiError(err: unknown, signal: AbortSignal, sdk: typeof import('openai')): unknown {
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = sdk;
  if (signal.aborted) return signal.reason;
  if (err instanceof ProviderError) return err;
  if (err instanceof APIUserAbortError) return new ProviderError('internal', 'the request to OpenAI was aborted', { cause: err });
  if (err instanceof APIConnectionTimeoutError) return new ProviderError('timeout', 'OpenAI did not answer in time', { cause: err });
  if (err instanceof APIConnectionError) {
    return new ProviderError('unavailable', 'cannot reach the OpenAI API', { cause: err });
  }
  if (!(err instanceof APIError)) return new ProviderError('internal', 'unexpected failure talking to OpenAI', { cause: err });

  const detail = apiMessage(err);
  if (err.code && CONTENT_POLICY_CODES.has(err.code)) {
    return new ProviderError('forbidden', `OpenAI's safety system refused this request: ${detail}`, { cause: err });
  }
  switch (err.status) {
    case 401:
      return new ProviderError('unavailable', 'OpenAI rejected the API key (check OPENAI_API_KEY)', { cause: err, code: 'provider_auth' });
    case 403:
      return new ProviderError('unavailable', `OpenAI refused access: ${detail}`, { cause: err, code: 'provider_auth' });
    case 429:
      return err.code === 'insufficient_quota'
        ? new ProviderError('rate_limited', `the OpenAI account is out of quota: ${detail}`, { cause: err, code: 'provider_quota' })
        : new ProviderError('rate_limited', `OpenAI is rate limiting requests: ${detail}`, { cause: err, ...retryAfter(err) });
    case 400:
    case 404:
    case 413:
    case 422:
      return new ProviderError('bad_request', `OpenAI refused the request: ${detail}`, { cause: err });
    case undefined:
      // An `error` event inside a stream: no status, only the body.
      return new ProviderError('internal', `OpenAI failed while streaming: ${detail}`, { cause: err });
    default:
      return err.status >= 500
        ? new ProviderError('unavailable', `OpenAI failed (${err.status}): ${detail}`, { cause: err })
        : new ProviderError('internal', `OpenAI answered ${err.status}: ${detail}`, { cause: err });
  }
}

function retryAfter(err: APIError): { retryAfterMs?: number } {
  const ms = err.headers ? retryAfterMs(err.headers) : undefined;
  return ms === undefined ? {} : { retryAfterMs: ms };
}

function apiMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' && body.message ? body.message : err.message;
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}
