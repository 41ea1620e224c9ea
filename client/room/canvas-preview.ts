import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { assertNever } from '../../shared/assert-never.ts';
import { CANVAS_DEFAULTS, type CanvasMeta, type Layer } from '../../shared/doc-schema.ts';
import type { Participant } from '../controllers/presence-controller.ts';
import type { LayerEntry, LayerPatch } from '../doc/layers.ts';
import type { MaskSession } from '../mask/mask-session.ts';
import { corners, type Point } from '../render/geometry.ts';
import { imageFailed, imageForWidth, onImageReady, peekImage } from '../render/image-cache.ts';
import { StackCache } from '../render/stack-cache.ts';
import {
  type CanvasTool,
  type Gesture,
  gesturePatch,
  handleGesture,
  hitTest,
  keyAction,
  type Size,
  toDocPoint,
} from './canvas-gestures.ts';
import { ownSelection, remoteSelection } from './canvas-overlay.ts';
import { canvasPreviewStyles } from './canvas-preview-styles.ts';
import { LiveThrottle } from './live-throttle.ts';
import { acceptsFiles, canvasHint, canvasLabel, droppedImages, emptyCanvas } from './canvas-text.ts';
import type { LayerUpdateDetail } from './layer-panel.ts';

const LIVE_UPDATE_MS = 40;
const PROGRESS_MS = 250;
/** How long the canvas must be unchanged before its high-quality redraw. */
const STILL_MS = 200;

/**
 * The canvas: the layer stack rendered as the server composites it, and
 * direct manipulation of the selected layer (drag to move, corner handles to
 * scale, the top handle to rotate; arrow keys, +/−, [ ] from the keyboard).
 * Changes go out as `layer-update` events; the room page applies them. The
 * maths of each gesture and key is in canvas-gestures.ts.
 */
@customElement('canvas-preview')
export class CanvasPreview extends LitElement {
  static override styles = canvasPreviewStyles;

  @property({ attribute: false }) meta: CanvasMeta = { title: '', ...CANVAS_DEFAULTS };
  @property({ attribute: false }) layers: LayerEntry[] = [];
  @property({ attribute: false }) selectedId: string | null = null;
  @property({ attribute: false }) participants: Participant[] = [];
  @property({ type: Boolean }) editable = false;
  /** What pointer input does (canvas-gestures.ts lists the tools). */
  @property() tool: CanvasTool = 'transform';
  /** The mask being painted over the selected layer, while the tool is `mask`. */
  @property({ attribute: false }) mask: MaskSession | null = null;
  /** CSS pixels per document pixel, fitted to the available space. */
  @state() private fit = 0.5;
  @state() private live: { id: string; patch: LayerPatch } | null = null;
  @state() private dropping = false;
  @query('canvas') private canvas!: HTMLCanvasElement;
  @query('canvas.mask') private maskCanvas!: HTMLCanvasElement | null;
  #resize: ResizeObserver | null = null;
  #frame = 0;
  #gesture: Gesture | null = null;
  readonly #liveUpdates = new LiveThrottle<LayerUpdateDetail>((detail) => this.#emit('layer-update', detail), LIVE_UPDATE_MS);
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
    this.#liveUpdates.cancel();
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
    if (['layers', 'meta', 'fit', 'live', 'mask', 'tool'].some((key) => keys.has(key))) this.#schedule();
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
    this.#drawMask(width, height, zoom);
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
  #size(layer: Layer): Size | null {
    const image = peekImage(layer.src);
    return image ? { width: image.width, height: image.height } : null;
  }

  /** The mask being painted, tinted over the canvas (same pixel size as the canvas). */
  #drawMask(width: number, height: number, zoom: number): void {
    const canvas = this.maskCanvas;
    const layer = this.#selected();
    const size = layer && this.#size(layer);
    if (!canvas || !layer || !size || !this.mask) return;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    this.mask.draw(canvas, layer, size, zoom);
  }

  /** Pointer and keyboard input for the mask tool, over the selected layer. */
  #maskInput(event: PointerEvent | KeyboardEvent, phase: 'down' | 'move' | 'up'): boolean {
    const layer = this.#selected();
    const size = layer && this.#size(layer);
    if (!this.mask || !layer || !size || !this.editable) return false;
    if (event instanceof KeyboardEvent) {
      if (!this.mask.key(event, layer, size)) return false;
    } else {
      if (phase === 'down') this.#capture(event);
      this.mask.input(phase, event.pointerId, this.#toDoc(event), layer, size);
    }
    event.preventDefault();
    this.#schedule();
    return true;
  }

  #capture(event: PointerEvent): void {
    event.preventDefault();
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
  }

  #toDoc(event: PointerEvent): Point {
    return toDocPoint(event, this.canvas.getBoundingClientRect(), this.fit);
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
    switch (this.tool) {
      case 'transform':
        this.#transformDown(event);
        return;
      case 'mask':
        this.#maskInput(event, 'down');
        return;
      default:
        assertNever(this.tool);
    }
  }

  /** A press selects the layer under it and starts moving it, or, on a handle of the selection, scaling or turning it. */
  #transformDown(event: PointerEvent): void {
    const point = this.#toDoc(event);
    const handle = (event.target as Element).getAttribute('data-handle');
    const selected = this.#selected();
    if (handle && selected && this.editable) {
      this.#begin(event, handleGesture(handle, selected, this.#size(selected), point));
      return;
    }
    const hit = hitTest(this.#drawnLayers(), (layer) => this.#size(layer), point);
    if (hit?.id !== this.selectedId) this.#emit('layer-select', { id: hit?.id ?? null });
    if (hit && this.editable) this.#begin(event, { kind: 'move', id: hit.id, start: point, origin: hit });
  }

  #begin(event: PointerEvent, gesture: Gesture): void {
    this.#capture(event);
    this.#gesture = gesture;
    this.#emit('manipulate-start', { id: gesture.id });
  }

  #onPointerMove(event: PointerEvent): void {
    if (this.tool === 'mask') return void this.#maskInput(event, 'move');
    const gesture = this.#gesture;
    if (!gesture) return;
    const point = this.#toDoc(event);
    const patch = gesturePatch(gesture, point, event.shiftKey);
    if (!patch) return;
    this.live = { id: gesture.id, patch };
    this.#liveUpdates.push({ id: gesture.id, patch, final: false });
  }

  #onPointerUp(event: PointerEvent): void {
    if (this.tool === 'mask') return void this.#maskInput(event, 'up');
    const gesture = this.#gesture;
    if (!gesture) return;
    this.#gesture = null;
    this.#liveUpdates.cancel();
    const patch = gesturePatch(gesture, this.#toDoc(event), event.shiftKey);
    if (patch) this.#emit('layer-update', { id: gesture.id, patch, final: true } satisfies LayerUpdateDetail);
    this.#emit('manipulate-end', { id: gesture.id });
    this.live = null;
  }

  #onKeyDown(event: KeyboardEvent): void {
    if (this.tool === 'mask' && (event.key === 'Escape' || this.#maskInput(event, 'down'))) {
      if (event.key === 'Escape') this.#emit('mask-exit', {});
      return;
    }
    const layer = this.#selected();
    const action = keyAction(event.key, event.shiftKey, layer && { layer, size: this.#size(layer) });
    switch (action.kind) {
      case 'deselect':
        this.#emit('layer-select', { id: null });
        return;
      case 'none':
        return;
      case 'delete':
        if (!layer || !this.editable) return;
        event.preventDefault();
        this.#emit('layer-delete', { id: layer.id });
        return;
      case 'patch':
        if (!layer || !this.editable) return;
        event.preventDefault();
        if (action.patch) this.#emit('layer-update', { id: layer.id, patch: action.patch, final: true } satisfies LayerUpdateDetail);
        return;
      default:
        assertNever(action);
    }
  }

  override render() {
    const visibleCount = this.layers.filter((l) => l.valid && l.layer.visible).length;
    return html`
      <div
        class="stage ${this.dropping ? 'dropping' : ''} ${this.tool}"
        style="width:${this.meta.width * this.fit}px;height:${this.meta.height * this.fit}px"
        tabindex="0"
        role="application"
        aria-roledescription="canvas"
        aria-label=${canvasLabel(this.meta.width, this.meta.height, this.editable, this.tool)}
        @keydown=${(e: KeyboardEvent) => this.#onKeyDown(e)}
        @keyup=${(e: KeyboardEvent) => this.tool === 'mask' && this.#maskInput(e, 'up')}
        @dragover=${(e: DragEvent) => (this.dropping = acceptsFiles(e, this.editable))}
        @dragleave=${() => (this.dropping = false)}
        @drop=${(e: DragEvent) => {
          this.dropping = false;
          const files = droppedImages(e, this.editable);
          if (files.length > 0) this.#emit('image-drop', { files });
        }}
      >
        <canvas aria-hidden="true"></canvas>
        ${this.tool === 'mask' ? html`<canvas class="mask" aria-hidden="true"></canvas>` : nothing}
        ${this.#overlay()} ${canvasHint(this.editable, this.selectedId !== null, this.tool)}
        ${emptyCanvas(visibleCount, this.layers.length, this.editable)}
      </div>
    `;
  }

  #overlay() {
    const layers = this.#drawnLayers();
    const outline = (layer: Layer | undefined) => {
      const size = layer && this.#size(layer);
      return size ? corners(layer, size.width, size.height) : null;
    };
    const selected = outline(layers.find((l) => l.id === this.selectedId));
    return html`<svg
      class="overlay ${this.editable ? 'editable' : ''}"
      viewBox="0 0 ${this.meta.width} ${this.meta.height}"
      @pointerdown=${(e: PointerEvent) => this.#onPointerDown(e)}
      @pointermove=${(e: PointerEvent) => this.#onPointerMove(e)}
      @pointerup=${(e: PointerEvent) => this.#onPointerUp(e)}
      @pointercancel=${(e: PointerEvent) => this.#onPointerUp(e)}
    >
      <rect class="hit" x="0" y="0" width=${this.meta.width} height=${this.meta.height}></rect>
      ${this.participants.map((p) => {
        const held = !p.isMe && p.layerId ? outline(layers.find((l) => l.id === p.layerId)) : null;
        return held ? remoteSelection(p, held, this.fit) : nothing;
      })}
      ${selected ? ownSelection(selected, this.fit, this.editable && this.tool === 'transform') : nothing}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'canvas-preview': CanvasPreview;
  }
}
