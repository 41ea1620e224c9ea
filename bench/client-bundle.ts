// Client bundle budget: the JavaScript each page loads before it can render,
// gzipped, from a fresh production build (Vite, into a temporary directory).
// Budget: the room page's initial JS ≤ 250 KB gzipped; the gallery page must
// not load CodeMirror.
//
//   node bench/client-bundle.ts [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const root = path.resolve(import.meta.dirname, '..');
const BUDGET_KB = 250;

const outDir = mkdtempSync(path.join(tmpdir(), 'atelier-bundle-'));
try {
  const result = await build({
    configFile: path.join(root, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunks = new Map<string, Rolldown.OutputChunk>();
  for (const output of outputs) for (const item of output.output) if (item.type === 'chunk') chunks.set(item.fileName, item);

  const gz = (chunk: Rolldown.OutputChunk) => gzipSync(chunk.code).length;
  /** A chunk and everything it imports statically: what loads before it runs. */
  const closure = (start: string[]): Set<string> => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const dep of chunks.get(name)?.imports ?? []) visit(dep);
    };
    start.forEach(visit);
    return seen;
  };
  const entry = [...chunks.values()].find((c) => c.isEntry);
  if (!entry) throw new Error('no entry chunk');
  const routeChunk = (page: string) => {
    const chunk = [...chunks.values()].find((c) => c.facadeModuleId?.endsWith(`/client/${page}.ts`));
    if (!chunk) throw new Error(`no chunk for ${page}`);
    return chunk.fileName;
  };
  const pages = {
    // The room page loads its prompt editor (CodeMirror) right after its own chunk: both count.
    room: closure([entry.fileName, routeChunk('room/room-page'), routeChunk('room/prompt-editor')]),
    'room, before the editor': closure([entry.fileName, routeChunk('room/room-page')]),
    gallery: closure([entry.fileName, routeChunk('gallery/gallery-page')]),
    work: closure([entry.fileName, routeChunk('work/work-page')]),
  };
  const report = Object.fromEntries(
    Object.entries(pages).map(([page, files]) => {
      const list = [...files].map((f) => chunks.get(f)!);
      const modules = list.flatMap((c) => c.moduleIds);
      return [
        page,
        {
          chunks: list.length,
          rawKB: Math.round(list.reduce((s, c) => s + c.code.length, 0) / 102.4) / 10,
          gzipKB: Math.round(list.reduce((s, c) => s + gz(c), 0) / 102.4) / 10,
          codemirror: modules.some((m) => m.includes('/@codemirror/')),
          yjs: modules.some((m) => m.includes('/node_modules/yjs/')),
        },
      ];
    }),
  ) as Record<keyof typeof pages, { chunks: number; rawKB: number; gzipKB: number; codemirror: boolean; yjs: boolean }>;

  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    process.stdout.write('page                      chunks   raw KB   gzip KB   CodeMirror  Yjs\n');
    for (const [page, r] of Object.entries(report)) {
      process.stdout.write(
        `${page.padEnd(25)} ${String(r.chunks).padStart(6)} ${r.rawKB.toFixed(1).padStart(8)} ${r.gzipKB.toFixed(1).padStart(9)}   ${String(r.codemirror).padEnd(10)}  ${r.yjs}\n`,
      );
    }
  }
  const failures: string[] = [];
  if (report.room.gzipKB > BUDGET_KB) failures.push(`room page initial JS ${report.room.gzipKB} KB gzipped > ${BUDGET_KB} KB`);
  if (report.gallery.codemirror) failures.push('the gallery page loads CodeMirror');
  if (failures.length) {
    process.stderr.write(`over budget: ${failures.join('; ')}\n`);
    process.exitCode = 1;
  } else if (!args.json) process.stdout.write(`within budget: room ≤ ${BUDGET_KB} KB gzipped, gallery without CodeMirror\n`);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
