// Signals from a client's side: place and discard candidates as the client
// does, read exports over HTTP and check every line against the schema.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { type SignalLine, signalLineSchema } from '../../shared/signals.ts';
import type { Atelier } from '../../server/atelier.ts';
import { addLayer } from '../gallery/helpers.ts';
import { startJob, watchJobs } from '../generation/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { type Api, api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
export const PSEUDONYM_KEY = 'pseudonym-key-for-tests-0123456789abcdef';
export const SIGNALS_ENV = { ADMIN_TOKEN, SIGNALS_PSEUDONYM_KEY: PSEUDONYM_KEY };

function trayIndex(doc: Y.Doc, candidateId: string): number {
  const index = doc
    .getArray<Y.Map<unknown>>(ROOTS.candidates)
    .toArray()
    .findIndex((m) => m.get('id') === candidateId);
  if (index < 0) throw new Error(`no candidate ${candidateId} on the tray`);
  return index;
}

/** As the client's "place": the candidate leaves the tray and becomes the top layer, in one transaction. */
export function place(doc: Y.Doc, candidateId: string, layerId: string, createdBy: string): void {
  const tray = doc.getArray<Y.Map<unknown>>(ROOTS.candidates);
  const index = trayIndex(doc, candidateId);
  const { src, jobId } = tray.get(index).toJSON() as { src: string; jobId: string };
  doc.transact(() => {
    tray.delete(index, 1);
    addLayer(doc, { id: layerId, src, jobId, createdBy });
  });
}

export function discard(doc: Y.Doc, candidateId: string): void {
  doc.getArray(ROOTS.candidates).delete(trayIndex(doc, candidateId), 1);
}

/** Waits until the server's copy of the room agrees with the check, then until every signal it caused is stored. */
export async function settled(server: Atelier, roomId: string, check: (doc: Y.Doc) => boolean): Promise<void> {
  await waitFor(
    () => {
      const room = server.registry.get(roomId);
      return room !== undefined && check(room.doc);
    },
    WAIT_BUDGET_MS,
    'the server to see the change',
  );
  await server.signals.idle();
}

export const trayIds = (doc: Y.Doc): string[] =>
  doc
    .getArray<Y.Map<unknown>>(ROOTS.candidates)
    .toArray()
    .map((m) => String(m.get('id')));

/** `token: null` sends no Authorization header. */
export async function fetchExport(url: string, query = '', token: string | null = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${url}/api/admin/signals.jsonl${query}`, token === null ? {} : { headers: { Authorization: `Bearer ${token}` } });
}

/** The export's lines, each parsed and checked against the documented schema. */
export async function exported(url: string, query = ''): Promise<SignalLine[]> {
  const res = await fetchExport(url, query);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
  return parseLines(await res.text());
}

export function parseLines(text: string): SignalLine[] {
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => signalLineSchema.parse(JSON.parse(line)));
}

/** A new session whose user shares signals. */
export async function consenting(http: Api, name: string) {
  const session = await http.session(name);
  await http.json('PATCH', '/api/session', { token: session.token, body: { shareSignals: true } });
  return session;
}

/** A consenting user who ran one generation in a room of their own, its signals stored. */
export async function oneGeneration(server: Atelier, prompt = 'a quiet harbour') {
  const http = api(server.url);
  const ann = await consenting(http, 'Ann');
  const { room } = await http.room(ann.token);
  const a = await joinWithSocketIo(server.url, ann.token, room.id);
  a.doc.getText(ROOTS.prompt).insert(0, prompt);
  await settled(server, room.id, (doc) => doc.getText(ROOTS.prompt).length > 0);
  const job = await startJob(a.socket, room.id, { size: '256x256', count: 1 });
  await watchJobs(a.socket).until(job.id, 'succeeded');
  await server.signals.idle();
  return { ann, room, job };
}

const EXPORT_SCRIPT = path.resolve(import.meta.dirname, '../../scripts/export.ts');

/** `npm run export -- …args` against the server's store (its DATA_DIR and DATABASE_URL, the test pseudonym key). */
export function runExport(server: Atelier, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [EXPORT_SCRIPT, ...args], {
    env: {
      ...process.env,
      DATA_DIR: server.config.dataDir,
      DATABASE_URL: server.config.databaseUrl ?? '',
      SIGNALS_PSEUDONYM_KEY: PSEUDONYM_KEY,
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
}
