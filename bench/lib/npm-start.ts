// How `npm start` runs the server, read from package.json: the steps before it
// (client build, type stripping) and the Node flags it starts server/main.ts
// with. Benchmarks start the server the same way, so that what they measure
// (memory above all) is what `npm start` gives.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface NpmStart {
  /** Each earlier step's arguments to `node`, run in order from the package root. */
  steps: string[][];
  /** Flags before `server/main.ts` in the last step. */
  nodeArgs: string[];
}

/** Parses a start script of the form `node A && node B && node FLAGS server/main.ts`. */
export function parseStartScript(script: string): NpmStart {
  const commands = script.split('&&').map((command) => command.trim().split(/\s+/));
  const last = commands.pop();
  const invalid = (why: string) => new Error(`package.json "start" is not "node … && node [flags] server/main.ts" (${why}): ${script}`);
  if (last?.[0] !== 'node' || last.at(-1) !== 'server/main.ts') throw invalid('last step');
  for (const command of commands) if (command[0] !== 'node') throw invalid(`step "${command.join(' ')}"`);
  return { steps: commands.map((command) => command.slice(1)), nodeArgs: last.slice(1, -1) };
}

/** `root`: a checkout (this one by default). */
export function readNpmStart(root = ROOT): NpmStart {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return parseStartScript(pkg.scripts.start);
}

const prepared = new Map<string, string[]>();

/** Runs a checkout's steps before the server, once per process; returns the server's Node flags (relative to `root`). */
export function prepareNpmStart(root = ROOT): string[] {
  const known = prepared.get(root);
  if (known) return known;
  const { steps, nodeArgs } = readNpmStart(root);
  for (const step of steps) execFileSync(process.execPath, step, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  prepared.set(root, nodeArgs);
  return nodeArgs;
}
