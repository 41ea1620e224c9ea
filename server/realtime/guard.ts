// The last line of defence around every handler a client's message reaches:
// whatever a handler throws or rejects with is logged and the message dropped,
// never left to Node's unhandled-rejection exit. Handlers still validate their
// arguments first; this only catches the bug that slipped past.
import type { Logger } from 'pino';

function report(logger: Logger, what: string, err: unknown): void {
  logger.error({ err, handler: what }, 'handler failed; message dropped');
}

/** One wrapper per handler, per socket: it allocates nothing more until something fails. */
export function guarded<A extends unknown[]>(logger: Logger, what: string, handler: (...args: A) => unknown): (...args: A) => void {
  return (...args: A) => {
    try {
      const result = handler(...args);
      if (result instanceof Promise) result.catch((err: unknown) => report(logger, what, err));
    } catch (err) {
      report(logger, what, err);
    }
  };
}
