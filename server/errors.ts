import type { ErrorCode, WireError } from '../shared/protocol.ts';

/** An error a caller may see: a stable code and a message for people. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

/** The wire form of any thrown value; anything that is not an AppError is `internal`. */
export function toWireError(err: unknown): WireError {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  return { code: 'internal', message: 'internal error' };
}
