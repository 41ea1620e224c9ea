// The blend maths of the layer stack, as the W3C Compositing and Blending spec
// defines them (which both the browser's canvas and libvips, the server
// compositor's engine, implement): a separable blend function per mode, then
// source-over with the layer's opacity multiplied into its alpha.
import type { BlendMode } from '../../shared/doc-schema.ts';

/** B(Cb, Cs) per channel, colours in 0–1. */
export const BLEND_FUNCTIONS: Record<BlendMode, (cb: number, cs: number) => number> = {
  normal: (_cb, cs) => cs,
  multiply: (cb, cs) => cb * cs,
  screen: (cb, cs) => cb + cs - cb * cs,
  overlay: (cb, cs) => hardLight(cs, cb),
  darken: (cb, cs) => Math.min(cb, cs),
  lighten: (cb, cs) => Math.max(cb, cs),
  'soft-light': (cb, cs) => softLight(cb, cs),
  'hard-light': (cb, cs) => hardLight(cb, cs),
  difference: (cb, cs) => Math.abs(cb - cs),
};

function hardLight(cb: number, cs: number): number {
  return cs <= 0.5 ? cb * 2 * cs : cb + (2 * cs - 1) - cb * (2 * cs - 1);
}

function softLight(cb: number, cs: number): number {
  if (cs <= 0.5) return cb - (1 - 2 * cs) * cb * (1 - cb);
  const d = cb <= 0.25 ? ((16 * cb - 12) * cb + 4) * cb : Math.sqrt(cb);
  return cb + (2 * cs - 1) * (d - cb);
}

/** The canvas 2D `globalCompositeOperation` that applies a blend mode. */
export function compositeOperation(mode: BlendMode): GlobalCompositeOperation {
  return mode === 'normal' ? 'source-over' : mode;
}

/** An RGBA pixel, channels 0–255. */
export type Rgba = readonly [number, number, number, number];

/**
 * One layer pixel over a backdrop pixel: the spec's
 * `Cs' = (1 - αb)·Cs + αb·B(Cb, Cs)` then source-over, with `αs·opacity`.
 */
export function compositePixel(backdrop: Rgba, source: Rgba, mode: BlendMode, opacity = 1): Rgba {
  const ab = backdrop[3] / 255;
  const as = (source[3] / 255) * Math.min(1, Math.max(0, opacity));
  const ao = as + ab * (1 - as);
  const blend = BLEND_FUNCTIONS[mode];
  const channel = (i: 0 | 1 | 2): number => {
    if (ao === 0) return 0;
    const cb = backdrop[i] / 255;
    const cs = source[i] / 255;
    const mixed = (1 - ab) * cs + ab * blend(cb, cs);
    const premultiplied = as * mixed + (1 - as) * ab * cb;
    return Math.round(Math.min(1, Math.max(0, premultiplied / ao)) * 255);
  };
  return [channel(0), channel(1), channel(2), Math.round(ao * 255)];
}

/** A `#rrggbb` colour as an opaque pixel. */
export function parseHex(color: string): Rgba {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return [255, 255, 255, 255];
  const [, r = '', g = '', b = ''] = m;
  return [parseInt(r, 16), parseInt(g, 16), parseInt(b, 16), 255];
}
