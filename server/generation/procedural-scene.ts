// The `local` provider's sketch: a prompt and a seed become an SVG scene. Pure
// and deterministic (no clock, no Math.random), so the same inputs give the same
// bytes: colour words and a hash of the prompt choose the palette, its words
// choose motifs and their placement, and a noise texture covers it all.
// procedural-svg.ts draws the scene.
import { clamp, hsl } from './procedural-colour.ts';

export interface Texture {
  type: 'fractalNoise' | 'turbulence';
  /** Per pixel of a 1024-wide image; scaled with the image so sizes look alike. */
  frequency: number;
  octaves: number;
  seed: number;
  opacity: number;
}

export interface Scene {
  palette: string[];
  motifs: Motif[];
  texture: Texture;
  /** Background gradient angle, degrees. */
  angle: number;
  horizon: number;
  seed: number;
}

export const MOTIF_WORDS = {
  clouds: ['cloud', 'clouds', 'sky', 'fog', 'mist', 'smoke', 'storm', 'dream', 'steam', 'heaven'],
  stars: ['star', 'stars', 'sparkle', 'galaxy', 'night', 'cosmos', 'space', 'constellation', 'snow', 'firefly', 'fireflies'],
  orb: ['sun', 'moon', 'planet', 'circle', 'orb', 'ball', 'bubble', 'eye', 'globe', 'lantern', 'glow', 'dawn', 'sunset', 'sunrise'],
  ridge: [
    'mountain',
    'mountains',
    'hill',
    'hills',
    'peak',
    'peaks',
    'pyramid',
    'triangle',
    'volcano',
    'cliff',
    'rock',
    'rocks',
    'dune',
    'dunes',
  ],
  skyline: [
    'city',
    'building',
    'buildings',
    'tower',
    'towers',
    'skyline',
    'house',
    'houses',
    'castle',
    'street',
    'town',
    'village',
    'lighthouse',
  ],
  grove: ['tree', 'trees', 'forest', 'wood', 'woods', 'grass', 'flower', 'flowers', 'garden', 'jungle', 'plant', 'meadow', 'field', 'park'],
  waves: ['sea', 'ocean', 'wave', 'waves', 'river', 'lake', 'water', 'beach', 'shore', 'tide', 'harbor', 'harbour', 'bay'],
  flock: ['bird', 'birds', 'fish', 'butterfly', 'butterflies', 'bat', 'bats', 'leaves', 'petals', 'kite', 'kites', 'gull', 'gulls'],
  grid: ['square', 'squares', 'box', 'cube', 'grid', 'pattern', 'mosaic', 'tile', 'tiles', 'pixel', 'geometric', 'abstract'],
  stripes: ['line', 'lines', 'stripe', 'stripes', 'rain', 'road', 'bridge', 'wire', 'wires', 'fence', 'speed'],
} as const;
export type MotifKind = keyof typeof MOTIF_WORDS;
/** Drawing order, far to near. */
const MOTIF_ORDER: readonly MotifKind[] = ['clouds', 'stars', 'orb', 'ridge', 'skyline', 'grove', 'waves', 'flock', 'grid', 'stripes'];

export interface Motif {
  kind: MotifKind;
  /** Seed of this motif's own random stream: its word and the image's seed. */
  seed: number;
}

const COLOUR_WORDS: Record<string, readonly string[]> = {
  red: ['#d62828'],
  crimson: ['#9b1d20'],
  scarlet: ['#ff2400'],
  ruby: ['#9b111e'],
  orange: ['#f77f00'],
  amber: ['#ffbf00'],
  gold: ['#e9b949'],
  golden: ['#e9b949'],
  yellow: ['#fcbf49'],
  lemon: ['#fff44f'],
  green: ['#2d6a4f'],
  emerald: ['#2e8b57'],
  olive: ['#708238'],
  lime: ['#a7c957'],
  mint: ['#98ff98'],
  teal: ['#2a9d8f'],
  cyan: ['#00b4d8'],
  turquoise: ['#40e0d0'],
  aqua: ['#48cae4'],
  blue: ['#1d4e89'],
  navy: ['#0b1f3a'],
  azure: ['#3a86ff'],
  cobalt: ['#0047ab'],
  sapphire: ['#0f52ba'],
  indigo: ['#3f37c9'],
  violet: ['#7b2cbf'],
  purple: ['#6a0dad'],
  lavender: ['#b8a1e3'],
  magenta: ['#d0006f'],
  pink: ['#ff70a6'],
  rose: ['#e75480'],
  coral: ['#ff7f50'],
  peach: ['#ffcba4'],
  white: ['#f8f9fa'],
  ivory: ['#fffff0'],
  cream: ['#fff3d6'],
  beige: ['#e8d8b0'],
  black: ['#111111'],
  grey: ['#6c757d'],
  gray: ['#6c757d'],
  silver: ['#c0c0c0'],
  brown: ['#7f5539'],
  copper: ['#b87333'],
  sunset: ['#ff7b00', '#ff006e', '#8338ec'],
  sunrise: ['#ffb703', '#fb8500', '#8ecae6'],
  dusk: ['#3d348b', '#f18701', '#7678ed'],
  night: ['#0b132b', '#1c2541', '#3a506b'],
  midnight: ['#03045e', '#023e8a', '#0b0c10'],
  ocean: ['#03045e', '#0077b6', '#90e0ef'],
  sea: ['#014f86', '#2a6f97', '#a9d6e5'],
  forest: ['#081c15', '#2d6a4f', '#95d5b2'],
  desert: ['#e9c46a', '#f4a261', '#bc6c25'],
  snow: ['#f8f9fa', '#dee2e6', '#a2d2ff'],
  winter: ['#e0fbfc', '#98c1d9', '#3d5a80'],
  fire: ['#6a040f', '#dc2f02', '#ffba08'],
  lava: ['#370617', '#d00000', '#faa307'],
  autumn: ['#7f4f24', '#bc6c25', '#dda15e'],
  spring: ['#ffc8dd', '#bde0fe', '#caffbf'],
  neon: ['#ff00ff', '#00f5d4', '#fee440'],
  pastel: ['#ffd6e0', '#c1fba4', '#b8e0ff'],
};
const DARK_WORDS = new Set(['dark', 'night', 'noir', 'shadow', 'shadows', 'midnight', 'gloomy', 'moody']);
const LIGHT_WORDS = new Set(['bright', 'light', 'pastel', 'soft', 'airy', 'pale', 'sunny']);
const ROUGH_WORDS = new Set(['rough', 'grain', 'grainy', 'gritty', 'storm', 'stone', 'sand', 'texture', 'rust', 'old', 'worn']);
const SMOOTH_WORDS = new Set(['smooth', 'calm', 'soft', 'minimal', 'clean', 'glass', 'still']);
const STOP_WORDS = new Set(['the', 'and', 'with', 'for', 'from', 'into', 'over', 'under', 'of', 'in', 'on', 'at', 'an', 'by', 'to']);
const MAX_MOTIFS = 5;
/** Hue offsets of a generated palette: analogous, complementary, triadic. */
const HUE_SCHEMES = [
  [0, 30, -30, 60, -60],
  [0, 180, 30, 210, -30],
  [0, 120, 240, 60, 180],
] as const;

/** FNV-1a, 32 bits. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function words(prompt: string): string[] {
  return (
    prompt
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function buildScene(prompt: string, seed: number): Scene {
  const list = words(prompt);
  const promptHash = hash(list.join(' '));
  const rng = random(promptHash ^ Math.imul(seed + 1, 0x9e3779b1));
  const has = (set: ReadonlySet<string>) => list.some((w) => set.has(w));
  const rough = has(ROUGH_WORDS);
  return {
    palette: palette(list, promptHash, rng),
    motifs: motifs(list, seed, promptHash),
    texture: {
      type: rough ? 'turbulence' : 'fractalNoise',
      frequency: 0.004 + (((promptHash >>> 4) % 100) / 100) * 0.016,
      octaves: rough ? 3 : 2,
      seed: Math.floor(rng() * 10_000),
      opacity: has(SMOOTH_WORDS) ? 0.2 : rough ? 0.6 : 0.4,
    },
    angle: Math.floor(rng() * 360),
    horizon: 0.5 + rng() * 0.25,
    seed,
  };
}

function palette(list: string[], promptHash: number, rng: () => number): string[] {
  const named = [...new Set(list.flatMap((w) => COLOUR_WORDS[w] ?? []))];
  const lightness = list.some((w) => DARK_WORDS.has(w)) ? 0.22 : list.some((w) => LIGHT_WORDS.has(w)) ? 0.78 : 0.5;
  // The hue follows the prompt; the seed nudges it, so another seed is a variation, not another picture.
  const base = (promptHash % 360) + (rng() - 0.5) * 40;
  const scheme = HUE_SCHEMES[(promptHash >>> 9) % HUE_SCHEMES.length] ?? HUE_SCHEMES[0];
  const generated = scheme.map((offset, i) =>
    hsl(base + offset, 0.45 + rng() * 0.4, clamp(lightness + (i % 2 === 0 ? -0.12 : 0.14) + (rng() - 0.5) * 0.1, 0.08, 0.92)),
  );
  return [...named, ...generated].slice(0, Math.max(5, Math.min(named.length, 8)));
}

function motifs(list: string[], seed: number, promptHash: number): Motif[] {
  const chosen = new Map<MotifKind, number>();
  const kinds = Object.keys(MOTIF_WORDS) as MotifKind[];
  const kindFor = (n: number): MotifKind => kinds[n % kinds.length] ?? 'clouds';
  for (const word of list) {
    const kind = kinds.find((k) => (MOTIF_WORDS[k] as readonly string[]).includes(word));
    if (kind && !chosen.has(kind)) chosen.set(kind, hash(word));
  }
  // Words we do not know still shape the picture: each picks a motif by its hash.
  const unknown = list.filter((w) => w.length > 2 && !STOP_WORDS.has(w) && !COLOUR_WORDS[w]);
  for (const word of unknown) {
    if (chosen.size >= 3) break;
    const kind = kindFor(hash(word));
    if (!chosen.has(kind)) chosen.set(kind, hash(word));
  }
  if (chosen.size === 0) chosen.set(kindFor(promptHash), promptHash);
  return MOTIF_ORDER.flatMap((kind) => {
    const wordHash = chosen.get(kind);
    return wordHash === undefined ? [] : [{ kind, seed: (wordHash ^ Math.imul(seed + 1, 0x85ebca6b)) >>> 0 }];
  }).slice(0, MAX_MOTIFS);
}
