// The last line of defence around every handler a client's message reaches:
// whatever a handler throws or rejects with is logged and the message dropped,
// never left to Node's unhandled-rejection exit. Handlers still validate their
// arguments first; this only catches the bug that slipped past.
import type { Logger } from 'pino';

export function guarded<A extends unknown[]>(logger: Logger, what: string, handler: (...args: A) => unknown): (...args: A) => void {
  const failed = (err: unknown) => logger.error({ err, handler: what }, 'handler failed; message dropped');
  return (...args: A) => {
    try {
      const result = handler(...args);
      if (result instanceof Promise) result.catch(failed);
    } catch (err) {
      failed(err);
    }
  };
}
