// Signals on the shared store of scaled mode: recorded, served and exported
// by the script from PostgreSQL exactly as from SQLite.
import { expect, it } from 'vitest';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import { startServer } from '../helpers/server.ts';
import { fetchExport, oneGeneration, parseLines, runExport, SIGNALS_ENV } from './helpers.ts';

const service = await postgresService();

describeWith([service], 'signals on PostgreSQL', () => {
  it('a server on PostgreSQL records and serves the export, and npm run export reads the same bytes from it', async () => {
    const server = await startServer({ ...SIGNALS_ENV, DATABASE_URL: await createTestDatabase(service) });
    const { job } = await oneGeneration(server);
    const served = await (await fetchExport(server.url)).text();
    const lines = parseLines(served);
    expect(lines.map((line) => [line.type, 'jobId' in line.data ? line.data.jobId : null])).toEqual([
      ['prompt_revision', job.id],
      ['generation', job.id],
    ]);
    const run = runExport(server, []);
    expect(run.stderr).toContain('export: 2 records');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(served);
  });
});
