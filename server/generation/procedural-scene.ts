// The `local` provider's sketch: a prompt and a seed become an SVG scene. Pure
// and deterministic (no clock, no Math.random), so the same inputs give the same
// bytes: colour words and a hash of the prompt choose the palette, its words
// choose motifs and their placement, and a noise texture covers it all.

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
  const scheme = [
    [0, 30, -30, 60, -60],
    [0, 180, 30, 210, -30],
    [0, 120, 240, 60, 180],
  ][(promptHash >>> 9) % 3]!;
  const generated = scheme.map((offset, i) =>
    hsl(base + offset, 0.45 + rng() * 0.4, clamp(lightness + (i % 2 === 0 ? -0.12 : 0.14) + (rng() - 0.5) * 0.1, 0.08, 0.92)),
  );
  return [...named, ...generated].slice(0, Math.max(5, Math.min(named.length, 8)));
}

function motifs(list: string[], seed: number, promptHash: number): Motif[] {
  const chosen = new Map<MotifKind, number>();
  const kinds = Object.keys(MOTIF_WORDS) as MotifKind[];
  for (const word of list) {
    const kind = kinds.find((k) => (MOTIF_WORDS[k] as readonly string[]).includes(word));
    if (kind && !chosen.has(kind)) chosen.set(kind, hash(word));
  }
  // Words we do not know still shape the picture: each picks a motif by its hash.
  const unknown = list.filter((w) => w.length > 2 && !STOP_WORDS.has(w) && !COLOUR_WORDS[w]);
  for (const word of unknown) {
    if (chosen.size >= 3) break;
    const kind = kinds[hash(word) % kinds.length]!;
    if (!chosen.has(kind)) chosen.set(kind, hash(word));
  }
  if (chosen.size === 0) chosen.set(kinds[promptHash % kinds.length]!, promptHash);
  return MOTIF_ORDER.filter((k) => chosen.has(k))
    .slice(0, MAX_MOTIFS)
    .map((kind) => ({ kind, seed: (chosen.get(kind)! ^ Math.imul(seed + 1, 0x85ebca6b)) >>> 0 }));
}

// ---------------------------------------------------------------------------
// SVG

const f = (n: number) => (Math.round(n * 10) / 10).toString();

/** The scene as SVG at this size; `texture` is the href of the noise image to overlay, if any. */
export function sceneSvg(scene: Scene, width: number, height: number, texture?: string): string {
  const { palette: p } = scene;
  const rad = (scene.angle * Math.PI) / 180;
  const [x1, y1, x2, y2] = [0.5 - Math.cos(rad) / 2, 0.5 - Math.sin(rad) / 2, 0.5 + Math.cos(rad) / 2, 0.5 + Math.sin(rad) / 2];
  const parts = scene.motifs.map((m) => drawMotif(m, scene, width, height));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs>',
    `<linearGradient id="bg" x1="${f(x1)}" y1="${f(y1)}" x2="${f(x2)}" y2="${f(y2)}">`,
    `<stop offset="0" stop-color="${p[0]}"/><stop offset="0.6" stop-color="${p[1]}"/><stop offset="1" stop-color="${p[2]}"/></linearGradient>`,
    `<radialGradient id="glow"><stop offset="0" stop-color="#ffffff" stop-opacity="0.55"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient>`,
    '</defs>',
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`,
    ...parts,
    texture
      ? `<image width="${width}" height="${height}" preserveAspectRatio="none" opacity="${scene.texture.opacity}" style="mix-blend-mode:overlay" href="${texture}"/>`
      : '',
    '</svg>',
  ].join('');
}

/** Grey noise, drawn at (w, h) pixels but in the image's own coordinates so any size shows the same pattern. */
export function textureSvg(texture: Texture, width: number, height: number, w: number, h: number): string {
  const frequency = (texture.frequency * 1024) / Math.max(width, height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${width} ${height}">` +
    `<filter id="n" x="0" y="0" width="100%" height="100%">` +
    `<feTurbulence type="${texture.type}" baseFrequency="${frequency.toFixed(5)}" numOctaves="${texture.octaves}" seed="${texture.seed}"/>` +
    // Grey and opaque: the overlay blend then only lightens and darkens.
    `<feColorMatrix type="saturate" values="0"/><feComponentTransfer><feFuncA type="linear" slope="0" intercept="1"/></feComponentTransfer>` +
    `</filter><rect width="${width}" height="${height}" filter="url(#n)"/></svg>`
  );
}

function drawMotif(motif: Motif, scene: Scene, w: number, h: number): string {
  const rng = random(motif.seed);
  const p = scene.palette;
  const pick = () => p[Math.floor(rng() * p.length)]!;
  const side = Math.min(w, h);
  const horizon = scene.horizon * h;
  const out: string[] = [];
  switch (motif.kind) {
    case 'clouds':
      for (let i = 0, n = 3 + Math.floor(rng() * 4); i < n; i++) {
        const cx = rng() * w,
          cy = rng() * horizon * 0.7,
          r = side * (0.06 + rng() * 0.08);
        for (let j = 0; j < 3; j++) {
          out.push(
            `<ellipse cx="${f(cx + (j - 1) * r * 0.9)}" cy="${f(cy + (j === 1 ? -r * 0.3 : 0))}" rx="${f(r * 1.3)}" ry="${f(r * 0.8)}" fill="url(#glow)"/>`,
          );
        }
      }
      break;
    case 'stars':
      for (let i = 0, n = 30 + Math.floor(rng() * 50); i < n; i++) {
        out.push(
          `<circle cx="${f(rng() * w)}" cy="${f(rng() * horizon)}" r="${f(side * (0.001 + rng() * 0.004))}" fill="#ffffff" opacity="${f(0.4 + rng() * 0.6)}"/>`,
        );
      }
      break;
    case 'orb': {
      const cx = w * (0.2 + rng() * 0.6),
        cy = h * (0.15 + rng() * 0.3),
        r = side * (0.08 + rng() * 0.12);
      out.push(`<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(r * 2.2)}" fill="url(#glow)"/>`);
      out.push(`<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(r)}" fill="${lightest(p)}"/>`);
      break;
    }
    case 'ridge':
      for (let layer = 0; layer < 3; layer++) {
        const base = horizon + layer * h * 0.06;
        const points = [`0,${f(h)}`];
        for (let x = 0, steps = 4 + Math.floor(rng() * 5); x <= steps; x++) {
          points.push(`${f((x / steps) * w)},${f(base - rng() * h * (0.35 - layer * 0.08))}`);
        }
        points.push(`${f(w)},${f(h)}`);
        out.push(`<polygon points="${points.join(' ')}" fill="${shade(pick(), -0.15 * (layer + 1))}" opacity="0.9"/>`);
      }
      break;
    case 'skyline':
      for (let x = 0; x < w; ) {
        const bw = w * (0.04 + rng() * 0.07),
          bh = h * (0.1 + rng() * 0.35),
          colour = shade(pick(), -0.35);
        out.push(`<rect x="${f(x)}" y="${f(horizon - bh)}" width="${f(bw)}" height="${f(bh + h - horizon)}" fill="${colour}"/>`);
        if (rng() < 0.5)
          out.push(
            `<rect x="${f(x + bw * 0.3)}" y="${f(horizon - bh * 0.8)}" width="${f(bw * 0.15)}" height="${f(bw * 0.15)}" fill="${lightest(p)}" opacity="0.8"/>`,
          );
        x += bw + w * rng() * 0.01;
      }
      break;
    case 'grove':
      for (let i = 0, n = 6 + Math.floor(rng() * 9); i < n; i++) {
        const x = rng() * w,
          top = horizon - h * (0.05 + rng() * 0.2),
          r = side * (0.03 + rng() * 0.05);
        out.push(
          `<rect x="${f(x - r * 0.12)}" y="${f(top)}" width="${f(r * 0.24)}" height="${f(h - top)}" fill="${shade(pick(), -0.4)}"/>`,
        );
        out.push(`<ellipse cx="${f(x)}" cy="${f(top)}" rx="${f(r)}" ry="${f(r * 1.3)}" fill="${shade(pick(), -0.1)}" opacity="0.95"/>`);
      }
      break;
    case 'waves':
      for (let band = 0; band < 4; band++) {
        const y = horizon + band * (h - horizon) * 0.25,
          amp = h * (0.01 + rng() * 0.03),
          seg = w / (2 + Math.floor(rng() * 3));
        out.push(
          `<path d="M0 ${f(y)} Q ${f(seg / 2)} ${f(y - amp)} ${f(seg)} ${f(y)} T ${f(w + seg)} ${f(y)} V ${f(h)} H 0 Z" fill="${shade(pick(), -0.08 * band)}" opacity="0.8"/>`,
        );
      }
      break;
    case 'flock':
      for (let i = 0, n = 8 + Math.floor(rng() * 12); i < n; i++) {
        const x = rng() * w,
          y = rng() * horizon * 0.8,
          s = side * (0.01 + rng() * 0.02);
        out.push(
          `<path d="M${f(x - s)} ${f(y)} Q ${f(x - s / 2)} ${f(y - s * 0.6)} ${f(x)} ${f(y)} Q ${f(x + s / 2)} ${f(y - s * 0.6)} ${f(x + s)} ${f(y)}" stroke="${darkest(p)}" stroke-width="${f(s * 0.2)}" fill="none"/>`,
        );
      }
      break;
    case 'grid': {
      const n = 4 + Math.floor(rng() * 5),
        cw = w / n,
        ch = h / n;
      for (let i = 0; i < n * n; i++) {
        if (rng() < 0.45) continue;
        out.push(
          `<rect x="${f((i % n) * cw + cw * 0.1)}" y="${f(Math.floor(i / n) * ch + ch * 0.1)}" width="${f(cw * 0.8)}" height="${f(ch * 0.8)}" fill="${pick()}" opacity="${f(0.2 + rng() * 0.4)}"/>`,
        );
      }
      break;
    }
    case 'stripes': {
      const slope = (rng() - 0.5) * h,
        gap = side * (0.03 + rng() * 0.06);
      for (let x = -Math.abs(slope); x < w + Math.abs(slope); x += gap) {
        out.push(
          `<line x1="${f(x)}" y1="0" x2="${f(x + slope)}" y2="${f(h)}" stroke="${pick()}" stroke-width="${f(gap * 0.25)}" opacity="0.35"/>`,
        );
      }
      break;
    }
    default:
      return assertNever(motif.kind);
  }
  return `<g>${out.join('')}</g>`;
}

function assertNever(value: never): never {
  throw new Error(`unknown motif ${String(value)}`);
}

// ---------------------------------------------------------------------------
// Colour

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function hsl(h: number, s: number, l: number): string {
  const hue = ((h % 360) + 360) % 360;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const [r, g, b] =
    hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x];
  const m = l - c / 2;
  return rgbHex([r + m, g + m, b + m]);
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

function rgbHex(values: number[]): string {
  return (
    '#' +
    values
      .map((v) =>
        Math.round(clamp(v, 0, 1) * 255)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}

/** Lighter (amount > 0) or darker (< 0), towards white or black. */
function shade(hex: string, amount: number): string {
  return rgbHex(rgb(hex).map((v) => (amount >= 0 ? v + (1 - v) * amount : v * (1 + amount))));
}

const luminance = (hex: string) => rgb(hex).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
const lightest = (p: string[]) => shade([...p].sort((a, b) => luminance(b) - luminance(a))[0]!, 0.3);
const darkest = (p: string[]) => shade([...p].sort((a, b) => luminance(a) - luminance(b))[0]!, -0.4);
