import { css, html, LitElement, nothing, type PropertyValues, svg } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { CanvasMeta, Layer } from '../../shared/doc-schema.ts';
import type { TimelineEvent, TimelineFrame, TimelineResponse } from '../../shared/timeline.ts';
import { request } from '../api/http.ts';
import { drawStack } from '../render/compositor.ts';
import { imageFailed, imageForWidth, loadImage, onImageReady, peekImage } from '../render/image-cache.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';

/** How long each frame shows while playing. */
const FRAME_MS = 900;
/** Longest side of the drawing, in device pixels. */
const MAX_SIDE_PX = 1024;

const DID: Record<TimelineEvent, string> = {
  prompt: 'wrote the prompt',
  layer: 'adjusted the layers',
  generate: 'generated images',
  place: 'placed a layer',
  publish: 'published the work',
};

const playIcon = svg`<svg class="icon" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><path d="M7 4.5v15l13-7.5z"/></svg>`;
const pauseIcon = svg`<svg class="icon" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><path d="M6 4h4v16H6zM14 4h4v16h-4z"/></svg>`;

/**
 * A work's making-of (docs/live.md § Making-of): every keyframe of its room,
 * the layer stack composited as the room showed it, the prompt as it stood,
 * and who did what. A scrubber, play/pause, and the keyboard: Space plays or
 * pauses, the arrows step, Home and End jump.
 */
@customElement('making-of-player')
export class MakingOfPlayer extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      h2.section-title {
        margin-bottom: 0.8rem;
      }
      .player {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(14rem, 0.8fr);
        grid-template-areas: 'canvas frame' 'controls frame';
        gap: 0.75rem 1.5rem;
        align-items: start;
      }
      /* On a phone the controls sit right under the picture they drive. */
      @media (max-width: 720px) {
        .player {
          grid-template-columns: 1fr;
          grid-template-areas: 'canvas' 'controls' 'frame';
        }
      }
      canvas {
        grid-area: canvas;
        display: block;
        width: 100%;
        height: auto;
        border-radius: var(--radius-sm);
        background: var(--surface-2);
        box-shadow: var(--shadow);
      }
      .frame {
        grid-area: frame;
      }
      .controls {
        grid-area: controls;
        display: flex;
        align-items: center;
        gap: 0.75rem;
      }
      .controls .btn {
        flex: none;
        min-width: 2.75rem;
        min-height: 2.75rem;
        justify-content: center;
      }
      input[type='range'] {
        flex: 1;
        min-width: 0;
        height: 2.75rem;
        accent-color: var(--accent);
      }
      .count {
        flex: none;
        font-variant-numeric: tabular-nums;
        font-size: 0.85rem;
        color: var(--ink-3);
      }
      .who {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        margin: 0 0 0.6rem;
        font-size: 0.95rem;
      }
      .who time {
        color: var(--ink-3);
        font-size: 0.8rem;
      }
      .prompt {
        margin: 0 0 0.8rem;
        padding: 0.7rem 0.9rem;
        border-radius: var(--radius-sm);
        background: var(--surface);
        border: 1px solid var(--line);
        line-height: 1.5;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        min-height: 3rem;
      }
      mark {
        background: var(--accent-soft, #fde68a);
        color: inherit;
        border-radius: 3px;
      }
      ul.images {
        list-style: none;
        margin: 0 0 0.8rem;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
      }
      ul.images img {
        display: block;
        width: 3.5rem;
        height: 3.5rem;
        object-fit: cover;
        border-radius: 6px;
        background: var(--surface-2);
      }
      ol.stack {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.3rem;
        font-size: 0.85rem;
      }
      ol.stack li {
        display: flex;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0.3rem 0.6rem;
        border-radius: 6px;
        background: var(--surface-2);
        overflow-wrap: anywhere;
      }
      ol.stack li.hidden {
        color: var(--ink-3);
        text-decoration: line-through;
      }
      ol.stack li.new {
        outline: 2px solid var(--accent);
      }
    `,
  ];

  @property() workId = '';
  @state() private timeline: TimelineResponse | null = null;
  @state() private index = 0;
  @state() private playing = false;
  @query('canvas') private canvas!: HTMLCanvasElement | null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopImages: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stopImages = onImageReady(() => this.#draw());
    void this.#load();
  }

  override disconnectedCallback(): void {
    this.#pause();
    this.#stopImages?.();
    super.disconnectedCallback();
  }

  async #load(): Promise<void> {
    try {
      const timeline = await request<TimelineResponse>('GET', `/api/works/${encodeURIComponent(this.workId)}/timeline`);
      // Every image of every frame starts loading now, so scrubbing never waits on the network.
      for (const src of new Set(timeline.frames.flatMap((f) => f.layers.map((l) => l.src)))) void loadImage(src);
      this.timeline = timeline;
      this.index = timeline.frames.length - 1;
    } catch {
      // No making-of (a work from before frames were kept, or gone meanwhile): the page shows none.
      this.timeline = null;
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('index') || changed.has('timeline')) this.#draw();
  }

  #draw(): void {
    const timeline = this.timeline;
    const frame = timeline?.frames[this.index];
    const canvas = this.canvas;
    if (!timeline || !frame || !canvas) return;
    const { width, height, background } = timeline.canvas;
    // As sharp as the screen shows it (a small canvas is scaled up, not blurred by CSS), at most MAX_SIDE_PX.
    const shown = (canvas.clientWidth || width) * devicePixelRatio;
    const zoom = Math.min(shown, MAX_SIDE_PX) / Math.max(width, height);
    const w = Math.round(width * zoom);
    const h = Math.round(height * zoom);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const meta: CanvasMeta = { title: '', width, height, background };
    const result = drawStack(ctx, meta, frame.layers, imageFor, zoom);
    canvas.dataset.frame = String(this.index);
    canvas.dataset.pending = String(result.pending);
  }

  #go(index: number): void {
    const last = (this.timeline?.frames.length ?? 1) - 1;
    this.index = Math.max(0, Math.min(last, index));
  }

  #toggle(): void {
    if (this.playing) this.#pause();
    else this.#play();
  }

  #play(): void {
    const frames = this.timeline?.frames.length ?? 0;
    if (frames < 2) return;
    // From the end, play starts over.
    if (this.index >= frames - 1) this.index = 0;
    this.playing = true;
    this.#timer = setInterval(() => {
      if (this.index >= frames - 1) this.#pause();
      else this.index++;
    }, FRAME_MS);
  }

  #pause(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.playing = false;
  }

  #onKey(event: KeyboardEvent): void {
    // The button answers Space itself; the range input its arrows, Home and End.
    if (event.target instanceof HTMLButtonElement) return;
    if (event.target instanceof HTMLInputElement && event.key !== ' ') return;
    const steps: Record<string, () => void> = {
      ' ': () => this.#toggle(),
      ArrowLeft: () => this.#go(this.index - 1),
      ArrowRight: () => this.#go(this.index + 1),
      Home: () => this.#go(0),
      End: () => this.#go(Number.MAX_SAFE_INTEGER),
    };
    const step = steps[event.key];
    if (!step) return;
    event.preventDefault();
    if (event.key !== ' ') this.#pause();
    step();
  }

  override render() {
    const timeline = this.timeline;
    const frame = timeline?.frames[this.index];
    if (!timeline || !frame || timeline.frames.length < 2) return nothing;
    const previous = timeline.frames[this.index - 1];
    const count = timeline.frames.length;
    return html`<section aria-labelledby="making-of-title" @keydown=${(e: KeyboardEvent) => this.#onKey(e)}>
      <h2 class="section-title" id="making-of-title">How it was made</h2>
      <div class="player">
        <canvas tabindex="0" role="img" aria-label=${`Frame ${this.index + 1} of ${count}: ${describe(frame)}`}></canvas>
        <div class="frame" aria-live="polite">
          <p class="who">
            ${frame.actor ? html`<user-avatar .name=${frame.actor.name} .color=${frame.actor.color} .src=${frame.actor.avatarUrl} style="--avatar-size:1.6rem"></user-avatar>` : nothing}
            <span><strong>${frame.actor?.name ?? 'Someone'}</strong> ${DID[frame.event]}</span>
            <time datetime=${frame.at}>${timeOf(frame.at)}</time>
          </p>
          ${timeline.promptHidden ? html`<p class="prompt muted">Its authors keep the prompt to themselves.</p>` : html`<p class="prompt" data-prompt>${promptWithChange(frame.prompt ?? '', previous?.prompt ?? '')}</p>`}
          ${frame.images?.length ? html`<ul class="images" aria-label="Images generated">${frame.images.map((src, i) => html`<li><img src=${src} alt=${`Generated image ${i + 1}`} loading="lazy" /></li>`)}</ul>` : nothing}
          <ol class="stack" aria-label="Layers, top first">
            ${frame.layers.toReversed().map((layer) => html`<li class=${layerClass(layer, previous)}><span>${layer.name || layer.id}</span><span class="muted">${Math.round(layer.opacity * 100)}%${layer.blend === 'normal' ? '' : ` · ${layer.blend}`}</span></li>`)}
          </ol>
        </div>
        <div class="controls">
          <button class="btn" aria-label=${this.playing ? 'Pause the making-of' : 'Play the making-of'} aria-pressed=${this.playing ? 'true' : 'false'} @click=${() => this.#toggle()}>${this.playing ? pauseIcon : playIcon}</button>
          <input type="range" min="0" max=${count - 1} step="1" .value=${String(this.index)} aria-label="Making-of frame" aria-valuetext=${`Frame ${this.index + 1} of ${count}: ${describe(frame)}`}
            @input=${(e: Event) => {
              this.#pause();
              this.#go(Number((e.target as HTMLInputElement).value));
            }} />
          <span class="count">${this.index + 1} / ${count}</span>
        </div>
      </div>
    </section>`;
  }
}

/** The image to draw for a layer: decoded already, or loading, or missing for good. */
function imageFor(src: string, widthPx: (naturalWidth: number) => number) {
  const loaded = peekImage(src);
  if (!loaded) return imageFailed(src) ? ('missing' as const) : ('loading' as const);
  return { source: imageForWidth(src, widthPx(loaded.width)) ?? loaded.bitmap, width: loaded.width, height: loaded.height };
}

function describe(frame: TimelineFrame): string {
  return `${frame.actor?.name ?? 'Someone'} ${DID[frame.event]}`;
}

/** The prompt with what this frame added to the previous one's marked. */
function promptWithChange(prompt: string, before: string) {
  if (prompt === '') return html`<span class="muted">No prompt yet.</span>`;
  let common = 0;
  while (common < prompt.length && common < before.length && prompt[common] === before[common]) common++;
  if (common === prompt.length) return prompt;
  return html`${prompt.slice(0, common)}<mark>${prompt.slice(common)}</mark>`;
}

function layerClass(layer: Layer, previous: TimelineFrame | undefined): string {
  const classes = [];
  if (!layer.visible) classes.push('hidden');
  if (previous && !previous.layers.some((l) => l.id === layer.id)) classes.push('new');
  return classes.join(' ');
}

function timeOf(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

declare global {
  interface HTMLElementTagNameMap {
    'making-of-player': MakingOfPlayer;
  }
}
