// Deterministic randomness for load generators: typists' phases in connection
// order would put a room's clients' keystrokes within a few ms of each other,
// and runs compared with each other must draw the same numbers.

/** Numbers in [0, 1) that are the same on every run for the same seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy in a pseudo-random order that is the same on every run (mulberry32, fixed seed). */
export function shuffled<T>(items: readonly T[]): T[] {
  const random = seededRandom(0x9e3779b9);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
