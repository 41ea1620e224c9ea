// What the canvas says and takes besides pixels: its accessible label, the
// hint under a selection for each tool, the empty state, and the image files
// dropped on it.
import { html, nothing } from 'lit';
import type { CanvasTool } from './canvas-gestures.ts';

export function canvasLabel(width: number, height: number, editable: boolean, tool: CanvasTool): string {
  const how =
    tool === 'mask'
      ? 'Mask brush: paint over the selected layer where it should change; arrow keys move the brush, Space paints, E erases, brackets resize, Escape leaves.'
      : 'Click a layer to select it; arrow keys move it, plus and minus scale it, brackets rotate it.';
  return `Canvas, ${width} by ${height}. ${editable ? how : 'View only.'}`;
}

export function canvasHint(editable: boolean, selected: boolean, tool: CanvasTool) {
  if (!editable || !selected) return nothing;
  return tool === 'mask'
    ? html`<p class="hint" aria-hidden="true">Paint where the image should change<span class="keys"> · arrows move the brush · Space paints · E erases · [ ] size</span></p>`
    : html`<p class="hint" aria-hidden="true">Drag to move · corners scale · top handle rotates<span class="keys"> (Shift snaps) · arrows nudge · Delete removes</span></p>`;
}

export function emptyCanvas(visible: number, layers: number, editable: boolean) {
  if (visible > 0) return nothing;
  return html`<div class="empty"><div><strong>${layers ? 'Every layer is hidden' : 'An empty canvas'}</strong>${editable ? 'Generate an image, or drop one here.' : 'Nothing has been placed yet.'}</div></div>`;
}

/** Whether a drag carries files the canvas would take (and says it copies them). */
export function acceptsFiles(event: DragEvent, editable: boolean): boolean {
  if (!editable || !event.dataTransfer?.types.includes('Files')) return false;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  return true;
}

/** The images of a drop the canvas takes (none when it is not editable). */
export function droppedImages(event: DragEvent, editable: boolean): File[] {
  const files = [...(event.dataTransfer?.files ?? [])].filter((f) => f.type.startsWith('image/'));
  if (!editable || files.length === 0) return [];
  event.preventDefault();
  return files;
}
