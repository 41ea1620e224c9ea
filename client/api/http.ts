// JSON over HTTP with the session token; every failure becomes an ApiError
// carrying the server's stable error code.
import { jsonOrUndefined } from '../../shared/json-text.ts';
import type { ErrorCode } from '../../shared/protocol.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network';

  constructor(status: number, code: ErrorCode | 'network', message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let currentToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Called when a request made with the token is refused as unauthorized (the session may have ended). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The token sent as `Authorization: Bearer`; the session module sets it. */
export function setToken(token: string | null): void {
  currentToken = token;
}

export interface RequestOptions {
  body?: unknown;
  /** A raw body (an uploaded file) sent as is with its own content type. */
  blob?: Blob;
  signal?: AbortSignal;
  /** Leave the token out (the session module's own probes). */
  anonymous?: boolean;
  token?: string;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  let body: BodyInit | undefined;
  if (options.blob) {
    body = options.blob;
    headers['Content-Type'] = options.blob.type || 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  const token = options.token ?? currentToken;
  if (token && !options.anonymous) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    // Revalidate every time (ETags make that cheap): a like or a new work must show at once.
    res = await fetch(path, { method, headers, body, signal: options.signal ?? null, credentials: 'same-origin', cache: 'no-cache' });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const parsed = jsonOrUndefined(text);
  if (!res.ok) {
    const error = isErrorBody(parsed) ? parsed.error : { code: 'internal' as const, message: `${res.status} ${res.statusText}` };
    if (res.status === 401 && token && !options.anonymous && options.token === undefined) {
      for (const listener of unauthorizedListeners) listener();
    }
    throw new ApiError(res.status, error.code, error.message);
  }
  return parsed as T;
}

function isErrorBody(value: unknown): value is { error: { code: ErrorCode; message: string } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** A sentence for people, from anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
