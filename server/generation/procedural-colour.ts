// Colour arithmetic of the `local` provider's scenes, on #rrggbb strings.

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function hsl(h: number, s: number, l: number): string {
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
export function shade(hex: string, amount: number): string {
  return rgbHex(rgb(hex).map((v) => (amount >= 0 ? v + (1 - v) * amount : v * (1 + amount))));
}

/** Relative luminance (Rec. 709 weights) of a colour. */
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The palette's lightest colour, lighter still; white for an empty palette. */
export function lightest(palette: readonly string[]): string {
  return shade(
    palette.reduce((best, c) => (luminance(c) > luminance(best) ? c : best), palette[0] ?? '#ffffff'),
    0.3,
  );
}

/** The palette's darkest colour, darker still; black for an empty palette. */
export function darkest(palette: readonly string[]): string {
  return shade(
    palette.reduce((best, c) => (luminance(c) < luminance(best) ? c : best), palette[0] ?? '#000000'),
    -0.4,
  );
}
