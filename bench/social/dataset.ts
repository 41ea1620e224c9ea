// The social benchmark's data set, generated from a seed: users, works (with
// co-authors, tags and words drawn from a vocabulary, so searches match a
// realistic share), follows and comments, both skewed towards popular people
// and works the way real networks are (a few draw most of the attention).

export interface DatasetSize {
  users: number;
  works: number;
  follows: number;
  comments: number;
}

export interface UserRow {
  id: string;
  name: string;
  color: string;
  createdAt: string;
}

export interface WorkRow {
  seq: number;
  id: string;
  publishedBy: string;
  authorIds: string[];
  title: string;
  description: string;
  prompt: string;
  tags: string[];
  likes: number;
  createdAt: string;
}

export interface FollowRow {
  follower: string;
  followee: string;
  createdAt: string;
}

export interface CommentRow {
  seq: number;
  id: string;
  workId: string;
  parentId: string | null;
  threadSeq: number;
  authorId: string;
  body: string;
  createdAt: string;
}

/** mulberry32: small, fast, good enough for synthetic data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An index in [0, n) where small indexes are much likelier (about Zipf with exponent `s`). */
function skewed(random: () => number, n: number, s = 1.2): number {
  return Math.min(n - 1, Math.floor(n * random() ** (1 + s * 2)));
}

/** A 22-character id like the server's, from a prefix and a number. */
export const benchId = (prefix: string, n: number) => `${prefix}${n.toString(36)}`.padEnd(22, '_');

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ra', 'su', 'ta', 'vi', 'zo', 'el', 'an', 'or', 'ul', 'is', 'em', 'ba', 'do', 'fe', 'gu', 'hi'];
const COLORS = ['#e11d48', '#2563eb', '#059669', '#ca8a04', '#9333ea', '#0891b2', '#ea580c', '#4f46e5'];

/** Made-up words, so each query matches the share of works its word's frequency says. */
function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const length = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
  }
  return [...words];
}

export interface Dataset {
  size: DatasetSize;
  users: UserRow[];
  works: WorkRow[];
  follows: Iterable<FollowRow>;
  comments: Iterable<CommentRow>;
  /** Words that occur in works, for search queries. */
  words: string[];
  tags: string[];
}

const EPOCH = Date.UTC(2025, 0, 1);

export function generate(size: DatasetSize, seed = 42): Dataset {
  const random = rng(seed);
  const words = vocabulary(random, 3000);
  const tags = vocabulary(random, 400).map((t) => `t-${t}`);
  const phrase = (count: number) => Array.from({ length: count }, () => words[skewed(random, words.length, 0.6)]).join(' ');
  const users: UserRow[] = Array.from({ length: size.users }, (_, i) => ({
    id: benchId('u', i),
    name: `${phrase(1)} ${phrase(1)}`.replace(/\b\w/g, (c) => c.toUpperCase()),
    color: COLORS[i % COLORS.length]!,
    createdAt: new Date(EPOCH + i * 1000).toISOString(),
  }));
  const works: WorkRow[] = Array.from({ length: size.works }, (_, i) => {
    const publisher = skewed(random, size.users, 0.5);
    const authorIds = [users[publisher]!.id];
    // A third of works are made together.
    while (random() < 0.33 && authorIds.length < 4) {
      const other = users[Math.floor(random() * size.users)]!.id;
      if (!authorIds.includes(other)) authorIds.push(other);
    }
    return {
      seq: i + 1,
      id: benchId('w', i),
      publishedBy: authorIds[0]!,
      authorIds,
      title: phrase(2 + Math.floor(random() * 4)),
      description: random() < 0.6 ? phrase(8 + Math.floor(random() * 20)) : '',
      prompt: phrase(10 + Math.floor(random() * 30)),
      tags: [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => tags[skewed(random, tags.length, 0.8)]!))],
      likes: Math.floor(random() ** 4 * 200),
      createdAt: new Date(EPOCH + 3_600_000 + i * 60_000).toISOString(),
    };
  });
  return { size, users, works, follows: follows(size, users, seed), comments: comments(size, users, works, seed, phrase), words, tags };
}

/** Each user follows ~follows/users others, popular ones likelier; no self-follows, no repeats. */
function* follows(size: DatasetSize, users: UserRow[], seed: number): Generator<FollowRow> {
  const random = rng(seed + 1);
  const perUser = size.follows / size.users;
  let made = 0;
  for (let i = 0; i < size.users && made < size.follows; i++) {
    const target = Math.min(size.follows - made, Math.round(perUser * (0.5 + random())));
    const followed = new Set<number>();
    let tries = 0;
    while (followed.size < target && tries++ < target * 4) {
      const other = skewed(random, size.users, 0.7);
      if (other !== i) followed.add(other);
    }
    for (const other of followed) {
      made++;
      yield { follower: users[i]!.id, followee: users[other]!.id, createdAt: new Date(EPOCH + made * 10).toISOString() };
    }
  }
}

/** Comments on works, popular works drawing most; a fifth are replies to an earlier comment on the same work. */
function* comments(
  size: DatasetSize,
  users: UserRow[],
  works: WorkRow[],
  seed: number,
  phrase: (n: number) => string,
): Generator<CommentRow> {
  const random = rng(seed + 2);
  const topLevel = new Map<number, Array<{ id: string; seq: number }>>();
  for (let i = 0; i < size.comments; i++) {
    const work = works[skewed(random, works.length, 0.6)]!;
    const seq = i + 1;
    const id = benchId('c', i);
    const threads = topLevel.get(work.seq);
    const parent = threads && random() < 0.2 ? threads[Math.floor(random() * threads.length)]! : null;
    if (!parent) {
      if (threads) threads.push({ id, seq });
      else topLevel.set(work.seq, [{ id, seq }]);
    }
    yield {
      seq,
      id,
      workId: work.id,
      parentId: parent?.id ?? null,
      threadSeq: parent?.seq ?? seq,
      authorId: users[Math.floor(random() * users.length)]!.id,
      body: phrase(4 + Math.floor(random() * 25)),
      createdAt: new Date(EPOCH + 7_200_000 + i * 1000).toISOString(),
    };
  }
}
