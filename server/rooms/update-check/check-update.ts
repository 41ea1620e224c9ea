// The rules an update from a participant must pass before it touches a room.
// Each is what keeps Yjs from holding part of it back: an update that passes
// integrates whole, leaving no pending structs or deletes, so applying it is
// all or nothing and a refused one changes nothing.
//
// - structs of a client start at or below the room's next clock for it (no
//   future clocks, no gaps), and no clock passes `maxClock`;
// - every origin, right origin and parent exists in the room, or arrives in
//   the same update: earlier in the same client's run, or in another client's
//   run without a cycle between them;
// - every deleted range exists in the room or arrives in the same update.
import { type ReadUpdate, readUpdate, type StructRun, UpdateGap, UpdateRefused } from './read-update.ts';

export { UpdateGap, UpdateRefused } from './read-update.ts';

/**
 * Far beyond any honest document (one clock tick per character ever typed,
 * under MAX_DOC_BYTES), far below 2^53, where Yjs' clock arithmetic breaks.
 */
export const MAX_CLOCK = 2 ** 32;

/** The room's next expected clock for a client (Y.getState). */
export type ClockOf = (client: number) => number;

export interface CheckedUpdate {
  /** Clients this update creates new structs for (past the room's clock): the ids it claims. */
  writers: number[];
  /**
   * Clients whose structs in this update the room holds already, all of them:
   * applying them changes nothing, but sending them still says they are the
   * sender's, so their owner is checked too (client-owners.ts).
   */
  echoes: number[];
  structs: number;
  deletes: number;
  /**
   * Every run starts exactly at the room's next clock for its client (and
   * there is one): applying it adds all of its structs and nothing else, so
   * the update is itself what its transaction added.
   */
  fresh: boolean;
}

export function checkUpdate(update: Uint8Array, clockOf: ClockOf, maxClock = MAX_CLOCK): CheckedUpdate {
  const read = readUpdate(update, maxClock);
  const runs = new Map<number, StructRun>();
  const writers: number[] = [];
  const echoes: number[] = [];
  let structs = 0;
  let crossRefs = false;
  let fresh = read.runs.length > 0;
  for (const run of read.runs) {
    const known = clockOf(run.client);
    if (run.start > known) throw new UpdateGap(`structs of client ${run.client} from clock ${run.start}, expected ${known} at most`);
    if (run.start !== known) fresh = false;
    runs.set(run.client, run);
    if (run.end > known) writers.push(run.client);
    else echoes.push(run.client);
    structs += run.starts.length;
  }
  for (const run of read.runs) {
    for (let i = 0; i < run.refs.length; i++) {
      const own = run.starts[i] ?? 0;
      for (const ref of run.refs[i] ?? []) {
        if (ref.clock < clockOf(ref.client)) continue;
        if (ref.client === run.client) {
          if (ref.clock < own && ref.clock >= run.start) continue;
          throw new UpdateRefused(`struct ${run.client}:${own} depends on its own client's clock ${ref.clock}`);
        }
        const target = runs.get(ref.client);
        if (!target || ref.clock < target.start || ref.clock >= target.end) {
          throw new UpdateGap(`struct ${run.client}:${own} depends on ${ref.client}:${ref.clock}, which does not exist`);
        }
        crossRefs = true;
      }
    }
  }
  if (crossRefs) refuseCycles(read, runs, clockOf);
  for (const range of read.deletes) {
    const end = Math.max(clockOf(range.client), runs.get(range.client)?.end ?? 0);
    if (range.clock + range.len > end) throw new UpdateGap(`deleted range ${range.client}:${range.clock}+${range.len} does not exist`);
  }
  return { writers, echoes, structs, deletes: read.deletes.length, fresh };
}

/**
 * Structs of different clients in one update may depend on each other (a
 * sync step 2 carrying several people's edits), but never in a circle: Yjs
 * would keep the circle pending. Each struct depends on the one before it in
 * its run and on what it references; a depth-first walk finds any cycle.
 */
function refuseCycles(read: ReadUpdate, runs: Map<number, StructRun>, clockOf: ClockOf): void {
  const index = new Map<StructRun, number>();
  let total = 0;
  for (const run of read.runs) {
    index.set(run, total);
    total += run.starts.length;
  }
  const owner: StructRun[] = [];
  for (const run of read.runs) for (let i = 0; i < run.starts.length; i++) owner.push(run);
  const nodeOf = (run: StructRun, clock: number): number => (index.get(run) ?? 0) + structAt(run.starts, clock);
  const edges = (node: number): number[] => {
    const run = owner[node];
    if (!run) return [];
    const i = node - (index.get(run) ?? 0);
    const out: number[] = i > 0 ? [node - 1] : [];
    for (const ref of run.refs[i] ?? []) {
      if (ref.client === run.client || ref.clock < clockOf(ref.client)) continue;
      const target = runs.get(ref.client);
      if (target) out.push(nodeOf(target, ref.clock));
    }
    return out;
  };
  // 0: unvisited, 1: on the current path, 2: done.
  const state = new Uint8Array(total);
  for (let root = 0; root < total; root++) {
    if (state[root] !== 0) continue;
    const stack: { node: number; next: number[] }[] = [{ node: root, next: edges(root) }];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const next = top.next.pop();
      if (next === undefined) {
        state[top.node] = 2;
        stack.pop();
      } else if (state[next] === 1) {
        throw new UpdateRefused('structs of this update depend on each other in a cycle');
      } else if (state[next] === 0) {
        state[next] = 1;
        stack.push({ node: next, next: edges(next) });
      }
    }
  }
}

/** Index of the struct holding `clock` in a run's ascending start clocks. */
function structAt(starts: number[], clock: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= clock) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
