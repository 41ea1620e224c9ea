// Painting a mask over one layer, by pointer (mouse, pen, finger) or keyboard:
// the brush (size, paint or erase), the stroke in progress, the keyboard's
// brush cursor, and drawing the mask tinted over the canvas at the layer's
// placement. The canvas forwards input to it while the mask tool is on; the
// mask toolbar changes the brush; the painter holds the pixels.
import type { Layer } from '../../shared/doc-schema.ts';
import { layerMatrix, type Point } from '../render/geometry.ts';
import { BRUSH_SIZES, DEFAULT_BRUSH_SIZE, keyBrushMove, layerRadius, strokeDabs, toLayerPoint, touchesImage } from './mask-brush.ts';
import { MaskPainter } from './mask-painter.ts';

/** How opaque the tint over the canvas is: the image stays visible under it. */
const TINT_ALPHA = 0.45;

export interface LayerSize {
  width: number;
  height: number;
}

export class MaskSession {
  readonly painter: MaskPainter;
  /** Brush diameter in document pixels. */
  brush: number = DEFAULT_BRUSH_SIZE;
  erase = false;
  /** The keyboard's brush, in document pixels; null until a key moves it. */
  cursor: Point | null = null;
  readonly #changed: () => void;
  /** The last point of the stroke in progress (layer pixels), by pointer id. */
  readonly #strokes = new Map<number, Point | null>();
  /** Space held: the keyboard brush paints as it moves. */
  #spaceDown = false;

  /** `changed` hears every change of the mask or the brush (the toolbar and the canvas redraw). */
  constructor(layerId: string, size: LayerSize, changed: () => void) {
    this.painter = new MaskPainter(layerId, size.width, size.height);
    this.#changed = changed;
  }

  get layerId(): string {
    return this.painter.layerId;
  }

  setBrush(diameter: number): void {
    this.brush = diameter;
    this.#changed();
  }

  setErase(erase: boolean): void {
    this.erase = erase;
    this.#changed();
  }

  fill(): void {
    this.painter.fill();
    this.#changed();
  }

  clear(): void {
    this.painter.clear();
    this.#changed();
  }

  /** Pointer input on the canvas, at a document point, over the layer being masked. */
  input(phase: 'down' | 'move' | 'up', pointerId: number, point: Point, layer: Layer, size: LayerSize): void {
    if (phase === 'up') {
      this.#strokes.delete(pointerId);
      return;
    }
    if (phase === 'move' && !this.#strokes.has(pointerId)) return;
    this.cursor = null;
    this.#paintTo(pointerId, point, layer, size);
  }

  /** A key on the focused canvas; true when the mask tool used it. */
  key(event: KeyboardEvent, layer: Layer, size: LayerSize): boolean {
    if (event.key === ' ' || event.key === 'Enter') {
      if (event.type === 'keyup') {
        this.#spaceDown = false;
        this.#strokes.delete(-1);
        return true;
      }
      this.#spaceDown = true;
      this.cursor ??= this.#centre(layer, size);
      this.#paintTo(-1, this.cursor, layer, size);
      return true;
    }
    if (event.type === 'keyup') return false;
    if (event.key === 'e' || event.key === 'E') {
      this.setErase(!this.erase);
      return true;
    }
    if (event.key === '[' || event.key === ']') {
      const at = BRUSH_SIZES.indexOf(this.brush as (typeof BRUSH_SIZES)[number]);
      const next = BRUSH_SIZES[Math.max(0, Math.min(BRUSH_SIZES.length - 1, (at < 0 ? 1 : at) + (event.key === ']' ? 1 : -1)))];
      if (next !== undefined) this.setBrush(next);
      return true;
    }
    const moved = keyBrushMove(event.key, event.shiftKey, this.cursor ?? this.#centre(layer, size));
    if (!moved) return false;
    this.cursor = moved;
    if (this.#spaceDown) this.#paintTo(-1, moved, layer, size);
    else this.#changed();
    return true;
  }

  /** Draws the mask tinted over the canvas, at the layer's placement, and the keyboard's brush. */
  draw(canvas: HTMLCanvasElement, layer: Layer, size: LayerSize, zoom: number): void {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const m = layerMatrix(layer, size.width, size.height);
    ctx.setTransform(m.a * zoom, m.b * zoom, m.c * zoom, m.d * zoom, m.e * zoom, m.f * zoom);
    ctx.globalAlpha = TINT_ALPHA;
    ctx.drawImage(this.painter.tinted, 0, 0, size.width, size.height);
    ctx.globalAlpha = 1;
    if (!this.cursor) return;
    ctx.setTransform(zoom, 0, 0, zoom, 0, 0);
    ctx.lineWidth = 2 / zoom;
    ctx.strokeStyle = this.erase ? '#1565c0' : '#c62828';
    ctx.beginPath();
    ctx.arc(this.cursor.x, this.cursor.y, this.brush / 2, 0, Math.PI * 2);
    ctx.stroke();
  }

  #paintTo(pointerId: number, point: Point, layer: Layer, size: LayerSize): void {
    const local = toLayerPoint(layer, size.width, size.height, point);
    const radius = layerRadius(layer, this.brush);
    const dabs = strokeDabs(this.#strokes.get(pointerId) ?? null, local, radius, this.erase).filter((d) =>
      touchesImage(d, size.width, size.height),
    );
    this.#strokes.set(pointerId, local);
    this.painter.paint(dabs);
    this.#changed();
  }

  #centre(layer: Layer, size: LayerSize): Point {
    return { x: layer.x + (size.width * layer.scale) / 2, y: layer.y + (size.height * layer.scale) / 2 };
  }
}
