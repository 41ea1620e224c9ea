// The document's blend modes (docs/protocol.md, "The room document") as libvips composite modes. Both
// follow the W3C Compositing and Blending formulas in sRGB, as a browser
// canvas does with the same `globalCompositeOperation` names.
import type { Blend } from 'sharp';
import type { BlendMode } from '../../shared/doc-schema.ts';
import { assertNever } from '../rooms/origin.ts';

export function sharpBlend(mode: BlendMode): Blend {
  switch (mode) {
    case 'normal':
      return 'over';
    case 'multiply':
    case 'screen':
    case 'overlay':
    case 'darken':
    case 'lighten':
    case 'soft-light':
    case 'hard-light':
    case 'difference':
      return mode;
    default:
      return assertNever(mode);
  }
}
