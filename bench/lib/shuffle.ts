// Deterministic shuffling for load generators: typists' phases in connection
// order would put a room's clients' keystrokes within a few ms of each other.

/** A copy in a pseudo-random order that is the same on every run (mulberry32, fixed seed). */
export function shuffled<T>(items: readonly T[]): T[] {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

async function pool(jobs: ReadonlyArray<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

let generator: LoadGenerator | undefined;

async function handle(request: LoadRequest): Promise<LoadReply> {
  if (request.type === 'init') {
    generator = new LoadGenerator(SYSTEMS[request.system], request.url);
    return { type: 'ok' };
  }
  if (!generator) throw new Error('not initialised');
  switch (request.type) {
    case 'connect':
      return generator.connect(request);
    case 'type':
      generator.type(request.rate);
      return { type: 'ok' };
    case 'pause':
      generator.pause();
      return { type: 'ok' };
    case 'measure':
      return generator.measure(request.seconds);
    case 'storm':
      return generator.storm(request);
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

process.on('message', (request: LoadRequest) => {
  handle(request).then(
    (reply) => process.send!(reply),
    (err: Error) => process.send!({ type: 'error', message: err.stack ?? err.message } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
