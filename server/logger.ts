import pino, { type Logger } from 'pino';

export type { Logger };

/** The process logger; JSON lines on stdout. Pass it (or a child) to every module. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'atelier' } });
}
