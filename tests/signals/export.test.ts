// The export's doors and its format: the admin route (token, absence, bad
// input), `since`, the pseudonyms, and `npm run export` giving the same bytes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pseudonyms } from '../../server/signals/pseudonyms.ts';
import { api, startServer, tempDir } from '../helpers/server.ts';
import { ADMIN_TOKEN, exported, fetchExport, oneGeneration, parseLines, PSEUDONYM_KEY, runExport, SIGNALS_ENV } from './helpers.ts';

describe('signals export', () => {
  it('the admin route does not exist without ADMIN_TOKEN, and refuses a missing or wrong token', async () => {
    const closed = await startServer({ SIGNALS_PSEUDONYM_KEY: PSEUDONYM_KEY });
    const res = await fetchExport(closed.url, '', ADMIN_TOKEN);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });

    const server = await startServer(SIGNALS_ENV);
    for (const token of [null, 'wrong', ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`]) {
      const refused = await fetchExport(server.url, '', token);
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.code).toBe('unauthorized');
    }
    // A user's session token is not an admin token.
    const session = await api(server.url).session();
    expect((await fetchExport(server.url, '', session.token)).status).toBe(401);
    expect((await fetchExport(server.url, '', ADMIN_TOKEN)).status).toBe(200);
  });

  it('since: a date or an ISO time filters by record time; anything else is a bad_request', async () => {
    const server = await startServer(SIGNALS_ENV);
    await oneGeneration(server);
    const all = await exported(server.url);
    expect(all.map((line) => line.type)).toEqual(['prompt_revision', 'generation']);
    expect(await exported(server.url, '?since=2001-01-01')).toEqual(all);
    const generationAt = all[1]!.at;
    expect(await exported(server.url, `?since=${encodeURIComponent(generationAt)}`)).toEqual([all[1]]);
    expect(await exported(server.url, `?since=${encodeURIComponent(new Date(Date.parse(generationAt) + 1).toISOString())}`)).toEqual([]);
    expect(await exported(server.url, `?since=${encodeURIComponent('2001-01-01T00:00:00+02:00')}`)).toEqual(all);
    for (const bad of ['yesterday', '2026-13-01', '1735689600', '2026-01-01T25:00:00Z']) {
      const res = await fetchExport(server.url, `?since=${bad}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toEqual({ code: 'bad_request', message: expect.stringContaining('since') });
    }
  });

  it('shows no user or room id, only keyed pseudonyms: stable for one key, unrelated under another', async () => {
    const dataDir = tempDir();
    const server = await startServer({ ...SIGNALS_ENV, DATA_DIR: dataDir });
    const { ann, room, job } = await oneGeneration(server);
    const text = await (await fetchExport(server.url)).text();
    expect(text).not.toContain(ann.user.id);
    expect(text).not.toContain(room.id);
    const lines = parseLines(text);
    const p = new Pseudonyms(PSEUDONYM_KEY);
    expect(lines.map((line) => [line.user, line.room])).toEqual([
      [p.user(ann.user.id), p.room(room.id)],
      [p.user(ann.user.id), p.room(room.id)],
    ]);
    expect(lines[0]!.data).toMatchObject({ jobId: job.id, text: 'a quiet harbour' });
    expect(await (await fetchExport(server.url)).text()).toBe(text);
    await server.close();

    const rekeyed = await startServer({
      ...SIGNALS_ENV,
      DATA_DIR: dataDir,
      SIGNALS_PSEUDONYM_KEY: 'another-pseudonym-key-0123456789abcdef',
    });
    const other = parseLines(await (await fetchExport(rekeyed.url)).text());
    expect(other.map((line) => line.seq)).toEqual(lines.map((line) => line.seq));
    expect(other[0]!.user).not.toBe(lines[0]!.user);
    expect(other[0]!.room).not.toBe(lines[0]!.room);
  });

  it('npm run export writes what the route serves, to a file or to standard output, and refuses bad arguments', async () => {
    const server = await startServer(SIGNALS_ENV);
    await oneGeneration(server);
    const served = await (await fetchExport(server.url, '?since=2026-01-01')).text();
    expect(parseLines(served)).toHaveLength(2);

    const dir = tempDir();
    const out = path.join(dir, 'signals.jsonl');
    const toFile = runExport(server, ['--since', '2026-01-01', '--out', out]);
    expect(toFile.stderr).toContain('2 records since 2026-01-01T00:00:00.000Z written to');
    expect(toFile.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(served);
    expect(readdirSync(dir)).toEqual(['signals.jsonl']);

    const toStdout = runExport(server, ['--since', '2026-01-01']);
    expect(toStdout.status).toBe(0);
    expect(toStdout.stdout).toBe(served);

    const badSince = runExport(server, ['--since', 'last-week']);
    expect(badSince.status).toBe(2);
    expect(badSince.stderr).toContain('since: a date');
    const unknown = runExport(server, ['--until', '2026-01-01']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--until'");
    const badConfig = runExport(server, [], { SIGNALS_PSEUDONYM_KEY: 'short' });
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('SIGNALS_PSEUDONYM_KEY');

    const nowhere = path.join(dir, 'missing-dir', 'signals.jsonl');
    const failed = runExport(server, ['--out', nowhere]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('export: failed');
    expect(existsSync(path.dirname(nowhere))).toBe(false);
  });
});
