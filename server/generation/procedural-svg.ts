// The `local` provider's scene as SVG: a gradient background, each motif
// drawn from its own seeded random stream, and a grey noise texture to overlay.
import { assertNever } from '../../shared/assert-never.ts';
import { darkest, lightest, shade } from './procedural-colour.ts';
import { type Motif, random, type Scene, type Texture } from './procedural-scene.ts';

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
  // A scene's palette is never empty; black would only show a broken one.
  const pick = () => p[Math.floor(rng() * p.length)] ?? '#000000';
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
