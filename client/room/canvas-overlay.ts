// The SVG drawn over the canvas, in document pixels: others' selections with
// their name tags, and one's own selection with its handles. Sizes that must
// look the same at any zoom are CSS pixels divided by `fit` (CSS pixels per
// document pixel).
import { nothing, svg } from 'lit';
import type { Point } from '../render/geometry.ts';
import { rotateHandlePosition } from './canvas-gestures.ts';

/** A selection handle's side, in CSS pixels. */
const HANDLE_PX = 11;
/** Name tags on others' selections, in CSS pixels: raised above the top-left corner, at most 8 px per character of 12 px bold. */
const TAG = { lift: 20, height: 18, charWidth: 8, padding: 5, radius: 4, fontPx: 12, baseline: 7 } as const;

type Corners = readonly [Point, Point, Point, Point];

const points = (pts: readonly Point[]) => pts.map((p) => `${p.x},${p.y}`).join(' ');

/** Someone else's selection: a dashed outline in their colour, tagged with their name. */
export function remoteSelection(who: { name: string; color: string }, corners: Corners, fit: number) {
  const [tag] = corners;
  return svg`<g data-remote-selection=${who.name}>
    <polygon class="outline" points=${points(corners)} style="stroke:${who.color}" stroke-dasharray="6 4"></polygon>
    <rect x=${tag.x} y=${tag.y - TAG.lift / fit} width=${(who.name.length * TAG.charWidth + 2 * TAG.padding) / fit} height=${TAG.height / fit} rx=${TAG.radius / fit} style="fill:${who.color}"></rect>
    <text class="tag" x=${tag.x + TAG.padding / fit} y=${tag.y - TAG.baseline / fit} style="font-size:${TAG.fontPx / fit}px">${who.name}</text>
  </g>`;
}

/** One's own selection: the grab area, the outline and, when editable, the rotate and scale handles (`data-handle`). */
export function ownSelection(corners: Corners, fit: number, editable: boolean) {
  const handle = HANDLE_PX / fit;
  const [tl, tr] = corners;
  const rotate = rotateHandlePosition(corners, fit);
  return svg`<polygon class="hit selected" points=${points(corners)}></polygon>
    <polygon class="outline mine" points=${points(corners)}></polygon>
    ${
      editable
        ? svg`<line class="outline mine" x1=${(tl.x + tr.x) / 2} y1=${(tl.y + tr.y) / 2} x2=${rotate.x} y2=${rotate.y}></line>
          <circle class="handle rotate" data-handle="rotate" cx=${rotate.x} cy=${rotate.y} r=${handle / 1.6}><title>Rotate (Shift snaps to 15°)</title></circle>
          ${corners.map((p) => svg`<rect class="handle scale" data-handle="scale" x=${p.x - handle / 2} y=${p.y - handle / 2} width=${handle} height=${handle} rx=${handle / 5}><title>Scale</title></rect>`)}`
        : nothing
    }`;
}
