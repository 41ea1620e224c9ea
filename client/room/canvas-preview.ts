import { css, html, LitElement, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { type CanvasMeta, CANVAS_DEFAULTS, type Layer, SCALE_LIMITS } from '../../shared/doc-schema.ts';
import type { Participant } from '../controllers/presence-controller.ts';
import type { LayerEntry, LayerPatch } from '../doc/layers.ts';
import { StackCache } from '../render/stack-cache.ts';
import { centre, contains, corners, normaliseDegrees, type Point, scaledAboutCentre } from '../render/geometry.ts';
import { imageFailed, imageForWidth, onImageReady, peekImage } from '../render/image-cache.ts';
import { baseStyles } from '../ui/styles.ts';
import type { LayerUpdateDetail } from './layer-panel.ts';

type Gesture =
  | { kind: 'move'; id: string; start: Point; origin: Layer }
  | { kind: 'scale'; id: string; start: Point; origin: Layer }
  | { kind: 'rotate'; id: string; start: Point; origin: Layer };

const LIVE_UPDATE_MS = 40;
const HANDLE_PX = 11;
const PROGRESS_MS = 250;
/** How long the canvas must be unchanged before its high-quality redraw. */
const STILL_MS = 200;

/**
 * The canvas: the layer stack rendered as the server composites it, and
 * direct manipulation of the selected layer (drag to move, corner handles to
 * scale, the top handle to rotate; arrow keys, +/−, [ ] from the keyboard).
 * Changes go out as `layer-update` events; the room page applies them.
 */
@customElement('canvas-preview')
export class CanvasPreview extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 0;
        min-width: 0;
        position: relative;
      }
      .stage {
        position: relative;
        box-shadow: var(--shadow);
        border-radius: 4px;
        background: repeating-conic-gradient(#e7e7e2 0 25%, #fafaf7 0 50%) 50% / 16px 16px;
        touch-action: none;
      }
      .stage:focus-visible {
        outline-offset: 4px;
      }
      .stage.dropping {
        outline: 3px dashed var(--accent);
        outline-offset: 6px;
      }
      canvas,
      svg.overlay {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        border-radius: 4px;
      }
      svg.overlay {
        overflow: visible;
      }
      svg.overlay.editable {
        cursor: default;
      }
      .hit {
        fill: transparent;
      }
      .editable .hit.selected {
        cursor: move;
      }
      .outline {
        fill: none;
        stroke-width: 1.5;
        vector-effect: non-scaling-stroke;
      }
      .outline.mine {
        stroke: var(--accent);
      }
      .handle {
        fill: white;
        stroke: var(--accent);
        stroke-width: 1.5;
        vector-effect: non-scaling-stroke;
      }
      .handle.scale {
        cursor: nwse-resize;
      }
      .handle.rotate {
        cursor: grab;
      }
      .tag {
        font: 600 12px var(--font);
        fill: white;
      }
      .hint {
        position: absolute;
        left: 50%;
        bottom: -2.1rem;
        transform: translateX(-50%);
        margin: 0;
        white-space: nowrap;
        font-size: 0.75rem;
        color: var(--ink-3);
        pointer-events: none;
      }
      .empty {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        text-align: center;
        padding: 2rem;
        color: var(--ink-3);
        pointer-events: none;
        font-size: 0.95rem;
      }
      .empty strong {
        display: block;
        color: var(--ink-2);
        font-size: 1.05rem;
        margin-bottom: 0.3rem;
      }
    `,
  ];

  @property({ attribute: false }) meta: CanvasMeta = { title: '', ...CANVAS_DEFAULTS };
  @property({ attribute: false }) layers: LayerEntry[] = [];
  @property({ attribute: false }) selectedId: string | null = null;
  @property({ attribute: false }) participants: Participant[] = [];
  @property({ type: Boolean }) editable = false;
  /** CSS pixels per document pixel, fitted to the available space. */
  @state() private fit = 0.5;
  @state() private live: { id: string; patch: LayerPatch } | null = null;
  @state() private dropping = false;
  @query('canvas') private canvas!: HTMLCanvasElement;
  #resize: ResizeObserver | null = null;
  #frame = 0;
  #gesture: Gesture | null = null;
  #lastLiveEmit = 0;
  #pendingLive: LayerUpdateDetail | null = null;
  #liveTimer: ReturnType<typeof setTimeout> | undefined;
  #completeMarked = false;
  readonly #stack = new StackCache();
  #still = false;
  #stillTimer: ReturnType<typeof setTimeout> | undefined;
  #stopImages: (() => void) | null = null;
  #progressTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Images arrive one by one: redraw at once when the last one of the stack
   * is in, and meanwhile at most every PROGRESS_MS (each redraw composites the
   * newly arrived bottom layers onto the stack cache once).
   */
  #onImageReady = (): void => {
    const loading = this.layers.some((l) => l.valid && l.layer.visible && !peekImage(l.layer.src) && !imageFailed(l.layer.src));
    const redraw = () => {
      this.#schedule();
      // The overlay's outlines need the images' sizes too.
      this.requestUpdate();
    };
    if (!loading) {
      clearTimeout(this.#progressTimer);
      this.#progressTimer = undefined;
      redraw();
      return;
    }
    this.#progressTimer ??= setTimeout(() => {
      this.#progressTimer = undefined;
      redraw();
    }, PROGRESS_MS);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver(() => this.#measure());
    this.#resize.observe(this);
    this.#stopImages = onImageReady(this.#onImageReady);
  }

  override disconnectedCallback(): void {
    this.#stopImages?.();
    clearTimeout(this.#progressTimer);
    this.#resize?.disconnect();
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#liveTimer);
    clearTimeout(this.#stillTimer);
    super.disconnectedCallback();
  }

  #measure(): void {
    const box = this.getBoundingClientRect();
    const width = Math.max(100, box.width - 32);
    const height = Math.max(100, box.height - 32);
    const fit = Math.min(width / this.meta.width, height / this.meta.height);
    if (Math.abs(fit - this.fit) > 1e-4) this.fit = fit;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('meta')) this.#measure();
    // A remote or final change arrived for the layer being dragged: keep the gesture's view.
    if (changed.has('layers') && this.live && !this.#gesture) this.live = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Presence and selection only touch the overlay; the pixels need these.
    const keys = changed as Map<PropertyKey, unknown>;
    if (['layers', 'meta', 'fit', 'live'].some((key) => keys.has(key))) this.#schedule();
  }

  /** The valid layers with the gesture in progress applied. */
  #drawnLayers(): Layer[] {
    const live = this.live;
    const out: Layer[] = [];
    for (const entry of this.layers) {
      if (!entry.valid) continue;
      out.push(live && live.id === entry.id ? { ...entry.layer, ...live.patch } : entry.layer);
    }
    return out;
  }

  #schedule(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = requestAnimationFrame(() => this.#draw());
  }

  #draw(): void {
    const canvas = this.canvas;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const zoom = this.fit * dpr;
    const width = Math.max(1, Math.round(this.meta.width * zoom));
    const height = Math.max(1, Math.round(this.meta.height * zoom));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const layers = this.#drawnLayers();
    const started = performance.now();
    const imageFor = (src: string, widthPx: (naturalWidth: number) => number) => {
      const image = peekImage(src);
      if (!image) return imageFailed(src) ? ('missing' as const) : ('loading' as const);
      return { source: imageForWidth(src, widthPx(image.width)) ?? image.bitmap, width: image.width, height: image.height };
    };
    const settled = (layer: Layer) => !layer.visible || layer.opacity <= 0 || peekImage(layer.src) !== null || imageFailed(layer.src);
    // While things move or arrive, quick bilinear resampling; once still, one
    // high-quality pass (software canvases make the difference 2–3×).
    const quality: ImageSmoothingQuality = this.#still ? 'high' : 'low';
    const result = this.#stack.draw(ctx, this.meta, layers, imageFor, zoom, settled, quality);
    this.dataset.quality = quality;
    clearTimeout(this.#stillTimer);
    if (!this.#still) {
      this.#stillTimer = setTimeout(() => {
        this.#still = true;
        this.#schedule();
      }, STILL_MS);
    }
    this.#still = false;
    this.dataset.drawMs = (performance.now() - started).toFixed(1);
    this.dataset.drawn = String(result.drawn);
    this.dataset.pending = String(result.pending);
    if (result.pending === 0) {
      this.dataset.rendered = String(layers.length);
      if (!this.#completeMarked && layers.length > 0) {
        this.#completeMarked = true;
        performance.mark('atelier:canvas-complete', { detail: { layers: layers.length } });
      }
      this.dispatchEvent(new CustomEvent('canvas-rendered', { detail: result }));
    }
  }

  /** The natural size of a layer's image, when loaded. */
  #size(layer: Layer): { width: number; height: number } | null {
    const image = peekImage(layer.src);
    return image ? { width: image.width, height: image.height } : null;
  }

  #toDoc(event: PointerEvent | DragEvent): Point {
    const box = this.canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) / this.fit, y: (event.clientY - box.top) / this.fit };
  }

  #hitTest(point: Point): Layer | null {
    const layers = this.#drawnLayers();
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      if (!layer.visible) continue;
      const size = this.#size(layer);
      if (size && contains(layer, size.width, size.height, point)) return layer;
    }
    return null;
  }

  #emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #selected(): Layer | null {
    return this.#drawnLayers().find((l) => l.id === this.selectedId) ?? null;
  }

  #onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    // The keyboard controls act on what was just clicked.
    this.renderRoot.querySelector<HTMLElement>('.stage')?.focus({ preventScroll: true });
    const point = this.#toDoc(event);
    const target = event.target as Element;
    const handle = target.getAttribute('data-handle');
    const selected = this.#selected();
    if (handle && selected && this.editable) {
      this.#begin(event, { kind: handle === 'rotate' ? 'rotate' : 'scale', id: selected.id, start: point, origin: selected });
      return;
    }
    const hit = this.#hitTest(point);
    if (hit?.id !== this.selectedId) this.#emit('layer-select', { id: hit?.id ?? null });
    if (hit && this.editable) this.#begin(event, { kind: 'move', id: hit.id, start: point, origin: hit });
  }

  #begin(event: PointerEvent, gesture: Gesture): void {
    event.preventDefault();
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
    this.#gesture = gesture;
    this.#emit('manipulate-start', { id: gesture.id });
  }

  #onPointerMove(event: PointerEvent): void {
    const gesture = this.#gesture;
    if (!gesture) return;
    const point = this.#toDoc(event);
    const patch = this.#gesturePatch(gesture, point, event.shiftKey);
    if (!patch) return;
    this.live = { id: gesture.id, patch };
    this.#sendLive({ id: gesture.id, patch, final: false });
  }

  #onPointerUp(event: PointerEvent): void {
    const gesture = this.#gesture;
    if (!gesture) return;
    this.#gesture = null;
    clearTimeout(this.#liveTimer);
    this.#pendingLive = null;
    const patch = this.#gesturePatch(gesture, this.#toDoc(event), event.shiftKey);
    if (patch) this.#emit('layer-update', { id: gesture.id, patch, final: true } satisfies LayerUpdateDetail);
    this.#emit('manipulate-end', { id: gesture.id });
    this.live = null;
  }

  #gesturePatch(gesture: Gesture, point: Point, snap: boolean): LayerPatch | null {
    const { origin } = gesture;
    switch (gesture.kind) {
      case 'move': {
        const dx = point.x - gesture.start.x;
        const dy = point.y - gesture.start.y;
        if (Math.abs(dx) < 0.5 && Math.abs(dy) < 0.5) return null;
        return { x: Math.round(origin.x + dx), y: Math.round(origin.y + dy) };
      }
      case 'scale': {
        const size = this.#size(origin);
        if (!size) return null;
        const c = centre(origin, size.width, size.height);
        const from = Math.hypot(gesture.start.x - c.x, gesture.start.y - c.y);
        const to = Math.hypot(point.x - c.x, point.y - c.y);
        if (from < 1) return null;
        const scale = Math.min(SCALE_LIMITS.max, Math.max(SCALE_LIMITS.min, origin.scale * (to / from)));
        return this.#rescale(origin, Math.round(scale * 1000) / 1000);
      }
      case 'rotate': {
        const size = this.#size(origin);
        if (!size) return null;
        const c = centre(origin, size.width, size.height);
        const a0 = Math.atan2(gesture.start.y - c.y, gesture.start.x - c.x);
        const a1 = Math.atan2(point.y - c.y, point.x - c.x);
        let rotation = origin.rotation + ((a1 - a0) * 180) / Math.PI;
        if (snap) rotation = Math.round(rotation / 15) * 15;
        return { rotation: normaliseDegrees(rotation) };
      }
      default: {
        const never: never = gesture;
        return never;
      }
    }
  }

  /** A new scale about the layer's centre (x and y move with it). */
  #rescale(layer: Layer, scale: number): LayerPatch | null {
    const size = this.#size(layer);
    if (!size) return null;
    const placed = scaledAboutCentre(layer, size.width, size.height, scale);
    return { scale, x: Math.round(placed.x * 100) / 100, y: Math.round(placed.y * 100) / 100 };
  }

  /** Live changes go out at most every LIVE_UPDATE_MS, the last one always. */
  #sendLive(detail: LayerUpdateDetail): void {
    this.#pendingLive = detail;
    const wait = this.#lastLiveEmit + LIVE_UPDATE_MS - performance.now();
    if (wait > 0) {
      if (this.#liveTimer === undefined) {
        this.#liveTimer = setTimeout(() => {
          this.#liveTimer = undefined;
          if (this.#pendingLive && this.#gesture) this.#sendLive(this.#pendingLive);
        }, wait);
      }
      return;
    }
    this.#lastLiveEmit = performance.now();
    this.#pendingLive = null;
    this.#emit('layer-update', detail);
  }

  #onKeyDown(event: KeyboardEvent): void {
    const layer = this.#selected();
    if (event.key === 'Escape') {
      this.#emit('layer-select', { id: null });
      return;
    }
    if (!layer || !this.editable) return;
    const step = event.shiftKey ? 10 : 1;
    let patch: LayerPatch | null = null;
    switch (event.key) {
      case 'ArrowLeft':
        patch = { x: layer.x - step };
        break;
      case 'ArrowRight':
        patch = { x: layer.x + step };
        break;
      case 'ArrowUp':
        patch = { y: layer.y - step };
        break;
      case 'ArrowDown':
        patch = { y: layer.y + step };
        break;
      case '+':
      case '=':
        patch = this.#rescale(layer, Math.min(SCALE_LIMITS.max, Math.round(layer.scale * 1.05 * 1000) / 1000));
        break;
      case '-':
        patch = this.#rescale(layer, Math.max(SCALE_LIMITS.min, Math.round((layer.scale / 1.05) * 1000) / 1000));
        break;
      case '[':
      case '{':
        patch = { rotation: normaliseDegrees(layer.rotation - (event.shiftKey ? 15 : 1)) };
        break;
      case ']':
      case '}':
        patch = { rotation: normaliseDegrees(layer.rotation + (event.shiftKey ? 15 : 1)) };
        break;
      case 'Delete':
      case 'Backspace':
        event.preventDefault();
        this.#emit('layer-delete', { id: layer.id });
        return;
      default:
        return;
    }
    event.preventDefault();
    if (patch) this.#emit('layer-update', { id: layer.id, patch, final: true } satisfies LayerUpdateDetail);
  }

  #onDragOver(event: DragEvent): void {
    if (!this.editable || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dropping = true;
  }

  #onDrop(event: DragEvent): void {
    this.dropping = false;
    const files = [...(event.dataTransfer?.files ?? [])].filter((f) => f.type.startsWith('image/'));
    if (!this.editable || files.length === 0) return;
    event.preventDefault();
    this.#emit('image-drop', { files });
  }

  override render() {
    const width = this.meta.width * this.fit;
    const height = this.meta.height * this.fit;
    const visibleCount = this.layers.filter((l) => l.valid && l.layer.visible).length;
    return html`
      <div
        class="stage ${this.dropping ? 'dropping' : ''}"
        style="width:${width}px;height:${height}px"
        tabindex="0"
        role="application"
        aria-roledescription="canvas"
        aria-label=${`Canvas, ${this.meta.width} by ${this.meta.height}. ${this.editable ? 'Click a layer to select it; arrow keys move it, plus and minus scale it, brackets rotate it.' : 'View only.'}`}
        @keydown=${(e: KeyboardEvent) => this.#onKeyDown(e)}
        @dragover=${(e: DragEvent) => this.#onDragOver(e)}
        @dragleave=${() => (this.dropping = false)}
        @drop=${(e: DragEvent) => this.#onDrop(e)}
      >
        <canvas aria-hidden="true"></canvas>
        ${this.#overlay()}
        ${
          this.editable && this.selectedId
            ? html`<p class="hint" aria-hidden="true">Drag to move · corners scale · top handle rotates (Shift snaps) · arrows nudge · Delete removes</p>`
            : nothing
        }
        ${
          visibleCount === 0
            ? html`<div class="empty"><div><strong>${this.layers.length ? 'Every layer is hidden' : 'An empty canvas'}</strong>${this.editable ? 'Generate an image, or drop one here.' : 'Nothing has been placed yet.'}</div></div>`
            : nothing
        }
      </div>
    `;
  }

  #overlay() {
    const layers = this.#drawnLayers();
    const selected = layers.find((l) => l.id === this.selectedId);
    const others = this.participants.filter((p) => !p.isMe && p.layerId);
    const handle = HANDLE_PX / this.fit;
    const polygon = (layer: Layer) => {
      const size = this.#size(layer);
      if (!size) return null;
      return corners(layer, size.width, size.height);
    };
    const sel = selected ? polygon(selected) : null;
    const points = (pts: Point[]) => pts.map((p) => `${p.x},${p.y}`).join(' ');
    let rotateHandle: Point | null = null;
    if (sel) {
      const [tl, tr] = sel;
      const mid = { x: (tl.x + tr.x) / 2, y: (tl.y + tr.y) / 2 };
      const c = { x: (sel[0].x + sel[2].x) / 2, y: (sel[0].y + sel[2].y) / 2 };
      const len = Math.hypot(mid.x - c.x, mid.y - c.y) || 1;
      const off = 28 / this.fit;
      rotateHandle = { x: mid.x + ((mid.x - c.x) / len) * off, y: mid.y + ((mid.y - c.y) / len) * off };
    }
    return html`<svg
      class="overlay ${this.editable ? 'editable' : ''}"
      viewBox="0 0 ${this.meta.width} ${this.meta.height}"
      @pointerdown=${(e: PointerEvent) => this.#onPointerDown(e)}
      @pointermove=${(e: PointerEvent) => this.#onPointerMove(e)}
      @pointerup=${(e: PointerEvent) => this.#onPointerUp(e)}
      @pointercancel=${(e: PointerEvent) => this.#onPointerUp(e)}
    >
      <rect class="hit" x="0" y="0" width=${this.meta.width} height=${this.meta.height}></rect>
      ${others.map((p) => {
        const layer = layers.find((l) => l.id === p.layerId);
        const poly = layer ? polygon(layer) : null;
        if (!poly) return nothing;
        const tag = poly[0];
        return svg`<g data-remote-selection=${p.name}>
          <polygon class="outline" points=${points(poly)} style="stroke:${p.color}" stroke-dasharray="6 4"></polygon>
          <rect x=${tag.x} y=${tag.y - 20 / this.fit} width=${(p.name.length * 7 + 10) / this.fit} height=${18 / this.fit} rx=${4 / this.fit} style="fill:${p.color}"></rect>
          <text class="tag" x=${tag.x + 5 / this.fit} y=${tag.y - 7 / this.fit} style="font-size:${12 / this.fit}px">${p.name}</text>
        </g>`;
      })}
      ${
        sel && selected
          ? svg`<polygon class="hit selected" points=${points(sel)}></polygon>
          <polygon class="outline mine" points=${points(sel)}></polygon>
          ${
            this.editable
              ? svg`${
                  rotateHandle
                    ? svg`<line class="outline mine" x1=${(sel[0].x + sel[1].x) / 2} y1=${(sel[0].y + sel[1].y) / 2} x2=${rotateHandle.x} y2=${rotateHandle.y}></line>
                <circle class="handle rotate" data-handle="rotate" cx=${rotateHandle.x} cy=${rotateHandle.y} r=${handle / 1.6}><title>Rotate (Shift snaps to 15°)</title></circle>`
                    : nothing
                }
              ${sel.map((p) => svg`<rect class="handle scale" data-handle="scale" x=${p.x - handle / 2} y=${p.y - handle / 2} width=${handle} height=${handle} rx=${handle / 5}><title>Scale</title></rect>`)}`
              : nothing
          }`
          : nothing
      }
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'canvas-preview': CanvasPreview;
  }
}
