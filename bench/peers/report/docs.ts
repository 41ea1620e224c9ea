// Writes the report into docs/benchmarks.md between its markers in the
// `## Peers` section (the section and markers are added at the end of the
// file the first time), and the chart beside it as docs/peers.svg. Running it
// again replaces only what lies between the markers.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DOCS = path.resolve(import.meta.dirname, '../../../docs');
export const BENCHMARKS_MD = path.join(DOCS, 'benchmarks.md');
export const CHART_SVG = path.join(DOCS, 'peers.svg');
const BEGIN = '<!-- peers:begin -->';
const END = '<!-- peers:end -->';

export function spliceReport(document: string, markdown: string): string {
  const block = `${BEGIN}\n${markdown.trim()}\n${END}`;
  const begin = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (begin !== -1 && end > begin) return document.slice(0, begin) + block + document.slice(end + END.length);
  return `${document.trimEnd()}\n\n## Peers\n\n${block}\n`;
}

/** Returns the files written. */
export function writeDocs(markdown: string, svg: string): string[] {
  writeFileSync(BENCHMARKS_MD, spliceReport(readFileSync(BENCHMARKS_MD, 'utf8'), markdown));
  writeFileSync(CHART_SVG, svg);
  return [path.relative(process.cwd(), BENCHMARKS_MD), path.relative(process.cwd(), CHART_SVG)];
}
