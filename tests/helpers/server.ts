// Real servers on port 0 with their own data directory, torn down when the
// test that started them finishes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { onTestFinished } from 'vitest';
import { type Atelier, startAtelier } from '../../server/atelier.ts';
import { type Env, loadConfig } from '../../server/config.ts';
import type { CreateRoomResponse, SessionResponse } from '../../shared/protocol.ts';

export type TestEnv = Partial<Record<keyof Env, string>>;

export function tempDir(prefix = 'atelier-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a server for the current test; it is closed when the test finishes. */
export async function startServer(env: TestEnv = {}): Promise<Atelier> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: env.DATA_DIR ?? tempDir(),
    LOG_LEVEL: 'silent',
    ROOM_UNLOAD_GRACE_MS: '100',
    ...env,
  });
  const atelier = await startAtelier(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  onTestFinished(() => atelier.close());
  return atelier;
}

export interface Api {
  url: string;
  request(method: string, route: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  json<T>(method: string, route: string, options?: { token?: string; body?: unknown; expect?: number }): Promise<T>;
  session(name?: string): Promise<SessionResponse>;
  room(token: string, body?: object): Promise<CreateRoomResponse>;
}

export function api(url: string): Api {
  const request: Api['request'] = (method, route, options = {}) =>
    fetch(url + route, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
  const json: Api['json'] = async (method, route, options = {}) => {
    const res = await request(method, route, options);
    const body = await res.json();
    const expected = options.expect ?? (method === 'POST' ? 201 : 200);
    if (res.status !== expected) {
      throw new Error(`${method} ${route}: expected ${expected}, got ${res.status} ${JSON.stringify(body)}`);
    }
    return body;
  };
  return {
    url,
    request,
    json,
    session: (name) => json('POST', '/api/session', { body: name === undefined ? {} : { name } }),
    room: (token, body = {}) => json('POST', '/api/rooms', { token, body }),
  };
}

/**
 * How long waitFor polls by default: a budget for a loaded CI machine (two cores shared by two workers, their
 * servers and browsers), not a claim about speed. A check that passes returns at once, so only a failure waits it out.
 */
export const WAIT_BUDGET_MS = 15_000;

/** Polls until the check passes (returns anything but false, or a promise of it, and does not throw), or fails with the last error. */
export async function waitFor(check: () => unknown, timeoutMs = WAIT_BUDGET_MS, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== false) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw lastError instanceof Error ? lastError : new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
