// Copying rectangles of raw interleaved pixels.
import type { Rect } from './layer-placement.ts';

/**
 * The pixels of `part` out of an image that covers `whole` (both in the same
 * coordinates; `part` lies inside `whole`). The image itself when they match.
 */
export function copyRect(pixels: Buffer, whole: Rect, channels: number, part: Rect): Buffer {
  if (part.left === whole.left && part.top === whole.top && part.width === whole.width && part.height === whole.height) {
    return pixels;
  }
  const out = Buffer.allocUnsafe(part.width * part.height * channels);
  const rowBytes = part.width * channels;
  for (let row = 0; row < part.height; row++) {
    const from = ((part.top - whole.top + row) * whole.width + (part.left - whole.left)) * channels;
    pixels.copy(out, row * rowBytes, from, from + rowBytes);
  }
  return out;
}
