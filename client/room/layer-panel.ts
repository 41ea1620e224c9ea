import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { BLEND_MODES, type BlendMode } from '../../shared/doc-schema.ts';
import type { Participant } from '../controllers/presence-controller.ts';
import type { LayerEntry, LayerPatch } from '../doc/layers.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/layer-thumb.ts';

export interface LayerUpdateDetail {
  id: string;
  patch: LayerPatch;
  /** False while a slider is still moving (the change is live but not final). */
  final: boolean;
}
export interface LayerMoveDetail {
  id: string;
  /** The layer's index in the bottom-first stack once moved. */
  toIndex: number;
}

export const BLEND_LABELS: Record<BlendMode, string> = {
  normal: 'Normal',
  multiply: 'Multiply',
  screen: 'Screen',
  overlay: 'Overlay',
  darken: 'Darken',
  lighten: 'Lighten',
  'soft-light': 'Soft light',
  'hard-light': 'Hard light',
  difference: 'Difference',
};

/**
 * Where a dragged layer lands in the bottom-first stack when dropped just
 * above (`above`) or below the layer at stack index `target`.
 */
export function dropIndex(from: number, target: number, above: boolean): number {
  if (from < target) return above ? target : target - 1;
  return above ? target + 1 : target;
}

/**
 * The layer stack, top first: select, drag to reorder (or Alt+↑/↓), show or
 * hide, opacity, blend mode, rename and delete. It changes nothing itself: it
 * asks, with events the room page applies to the document.
 */
@customElement('layer-panel')
export class LayerPanel extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0 0 0.6rem;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.35rem;
        overflow: auto;
        min-height: 0;
      }
      li {
        position: relative;
        border: 1px solid transparent;
        border-radius: var(--radius-sm);
        background: var(--surface);
      }
      li:hover {
        border-color: var(--line);
      }
      li.selected {
        border-color: var(--accent);
        box-shadow: 0 0 0 3px var(--accent-soft);
      }
      li.drop-above::before,
      li.drop-below::after {
        content: '';
        position: absolute;
        left: 0.4rem;
        right: 0.4rem;
        height: 3px;
        border-radius: 3px;
        background: var(--accent);
      }
      li.drop-above::before {
        top: -3px;
      }
      li.drop-below::after {
        bottom: -3px;
      }
      li.dragging {
        opacity: 0.45;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 0.4rem;
        padding: 0.3rem;
      }
      .grip {
        cursor: grab;
        color: var(--ink-3);
        width: 1.4rem;
      }
      .thumb {
        width: 2.6rem;
        height: 2.6rem;
        flex: none;
        border-radius: 6px;
        object-fit: contain;
        background: repeating-conic-gradient(#e7e7e2 0 25%, #fafaf7 0 50%) 50% / 12px 12px;
        border: 1px solid var(--line);
      }
      .thumb.missing {
        display: grid;
        place-items: center;
        color: var(--danger);
      }
      .name {
        flex: 1;
        min-width: 0;
        text-align: left;
        background: none;
        border: none;
        padding: 0.3rem 0.2rem;
        border-radius: 6px;
        cursor: pointer;
        font-size: 0.88rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .name.hidden-layer {
        color: var(--ink-3);
      }
      layer-thumb.hidden-layer {
        opacity: 0.4;
      }
      .name .label,
      .name small {
        display: block;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .name small {
        color: var(--ink-3);
        font-size: 0.74rem;
      }
      .holders {
        display: inline-flex;
        gap: 2px;
      }
      .holder {
        width: 0.55rem;
        height: 0.55rem;
        border-radius: 50%;
      }
      .rename {
        flex: 1;
        min-width: 0;
      }
      .details {
        display: grid;
        gap: 0.6rem;
        padding: 0.2rem 0.6rem 0.7rem 2rem;
      }
      .opacity {
        display: grid;
        grid-template-columns: 1fr 3rem;
        align-items: center;
        gap: 0.5rem;
      }
      .opacity output {
        font-variant-numeric: tabular-nums;
        text-align: right;
        font-size: 0.82rem;
        color: var(--ink-2);
      }
      input[type='range'] {
        width: 100%;
        accent-color: var(--accent);
      }
      .tools {
        display: flex;
        align-items: center;
        gap: 0.25rem;
      }
      .tools .spacer {
        flex: 1;
      }
      .tools .btn {
        padding: 0 0.5rem;
      }
      .invalid {
        font-size: 0.75rem;
        color: var(--danger);
      }
      .empty {
        padding: 1.4rem 1rem;
        text-align: center;
        color: var(--ink-3);
        font-size: 0.88rem;
        border: 1px dashed var(--line-strong);
        border-radius: var(--radius-sm);
      }
    `,
  ];

  /** The stack as the document holds it, bottom first. */
  @property({ attribute: false }) layers: LayerEntry[] = [];
  @property({ attribute: false }) selectedId: string | null = null;
  @property({ type: Boolean }) editable = false;
  /** Other people and the layer each holds. */
  @property({ attribute: false }) participants: Participant[] = [];
  @state() private renaming: string | null = null;
  @state() private dragging: string | null = null;
  @state() private dropTarget: { id: string; above: boolean } | null = null;

  #emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #select(id: string | null): void {
    this.#emit('layer-select', { id });
  }

  #update(id: string, patch: LayerPatch, final = true): void {
    this.#emit('layer-update', { id, patch, final } satisfies LayerUpdateDetail);
  }

  #move(id: string, toIndex: number): void {
    this.#emit('layer-move', { id, toIndex } satisfies LayerMoveDetail);
  }

  #stackIndex(id: string): number {
    return this.layers.findIndex((l) => l.id === id);
  }

  #onKey(event: KeyboardEvent, entry: LayerEntry): void {
    if (!this.editable || !event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    const index = this.#stackIndex(entry.id);
    this.#move(entry.id, event.key === 'ArrowUp' ? index + 1 : index - 1);
  }

  #onDragStart(event: DragEvent, id: string): void {
    if (!this.editable) return;
    this.dragging = id;
    event.dataTransfer?.setData('text/plain', id);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  #onDragOver(event: DragEvent, id: string): void {
    if (!this.dragging || this.dragging === id) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    const row = event.currentTarget as HTMLElement;
    const box = row.getBoundingClientRect();
    const above = event.clientY < box.top + box.height / 2;
    if (this.dropTarget?.id !== id || this.dropTarget.above !== above) this.dropTarget = { id, above };
  }

  #onDrop(event: DragEvent): void {
    event.preventDefault();
    const dragged = this.dragging;
    const target = this.dropTarget;
    this.#endDrag();
    if (!dragged || !target) return;
    const from = this.#stackIndex(dragged);
    const to = this.#stackIndex(target.id);
    if (from < 0 || to < 0) return;
    const index = dropIndex(from, to, target.above);
    if (index !== from) this.#move(dragged, index);
  }

  #endDrag(): void {
    this.dragging = null;
    this.dropTarget = null;
  }

  #finishRename(id: string, input: HTMLInputElement, save: boolean): void {
    if (this.renaming !== id) return;
    this.renaming = null;
    const name = input.value.trim().slice(0, 120);
    if (save && name) this.#update(id, { name });
  }

  override render() {
    const topFirst = [...this.layers].reverse();
    return html`
      <div class="head">
        <h2 class="section-title">Layers</h2>
        <slot name="actions"></slot>
      </div>
      ${
        topFirst.length === 0
          ? html`<p class="empty">No layers yet. Generate an image and place it, or upload one.</p>`
          : html`<ol aria-label="Layers, top first" @dragend=${() => this.#endDrag()}>
            ${topFirst.map((entry) => this.#row(entry))}
          </ol>`
      }
    `;
  }

  #row(entry: LayerEntry) {
    const selected = entry.id === this.selectedId;
    const classes = [
      selected ? 'selected' : '',
      this.dragging === entry.id ? 'dragging' : '',
      this.dropTarget?.id === entry.id ? (this.dropTarget.above ? 'drop-above' : 'drop-below') : '',
    ].join(' ');
    const holders = this.participants.filter((p) => !p.isMe && p.layerId === entry.id);
    const name = entry.valid ? entry.layer.name || 'Untitled layer' : entry.name || 'Broken layer';
    return html`<li
      class=${classes}
      data-layer-id=${entry.id}
      @dragover=${(e: DragEvent) => this.#onDragOver(e, entry.id)}
      @drop=${(e: DragEvent) => this.#onDrop(e)}
      @keydown=${(e: KeyboardEvent) => this.#onKey(e, entry)}
    >
      <div class="row">
        <span
          class="grip"
          draggable=${this.editable ? 'true' : 'false'}
          title=${this.editable ? 'Drag to reorder (or Alt+↑ / Alt+↓)' : ''}
          @dragstart=${(e: DragEvent) => this.#onDragStart(e, entry.id)}
          aria-hidden="true"
        >${this.editable ? icons.grip : nothing}</span>
        ${
          entry.valid
            ? html`<layer-thumb class=${entry.layer.visible ? '' : 'hidden-layer'} .src=${entry.layer.src}></layer-thumb>`
            : html`<span class="thumb missing" aria-hidden="true">!</span>`
        }
        ${
          this.renaming === entry.id
            ? html`<input
              class="input rename"
              aria-label="Layer name"
              .value=${name}
              maxlength="120"
              @keydown=${(e: KeyboardEvent) => {
                e.stopPropagation();
                if (e.key === 'Enter') this.#finishRename(entry.id, e.currentTarget as HTMLInputElement, true);
                if (e.key === 'Escape') this.#finishRename(entry.id, e.currentTarget as HTMLInputElement, false);
              }}
              @blur=${(e: FocusEvent) => this.#finishRename(entry.id, e.currentTarget as HTMLInputElement, true)}
            />`
            : html`<button
              class="name ${entry.valid && !entry.layer.visible ? 'hidden-layer' : ''}"
              aria-pressed=${selected ? 'true' : 'false'}
              @click=${() => this.#select(selected ? null : entry.id)}
              @dblclick=${() => this.editable && entry.valid && this.#startRename(entry.id)}
            >
              <span class="label">${name}</span>
              ${
                entry.valid
                  ? html`<small>${BLEND_LABELS[entry.layer.blend]} · ${Math.round(entry.layer.opacity * 100)}%</small>`
                  : html`<small class="invalid">Not drawn: ${entry.reason}</small>`
              }
            </button>`
        }
        ${
          holders.length
            ? html`<span class="holders" title=${`Selected by ${holders.map((p) => p.name).join(', ')}`}>
              ${holders.map((p) => html`<span class="holder" style="background:${p.color}"></span>`)}
            </span>`
            : nothing
        }
        ${
          entry.valid
            ? html`<button
              class="icon-btn"
              aria-label=${entry.layer.visible ? `Hide ${name}` : `Show ${name}`}
              aria-pressed=${entry.layer.visible ? 'false' : 'true'}
              title=${entry.layer.visible ? 'Hide' : 'Show'}
              ?disabled=${!this.editable}
              @click=${() => this.#update(entry.id, { visible: !entry.layer.visible })}
            >${entry.layer.visible ? icons.eye : icons.eyeOff}</button>`
            : nothing
        }
        <button class="icon-btn" aria-label=${`Delete ${name}`} title="Delete" ?disabled=${!this.editable} @click=${() => this.#emit('layer-delete', { id: entry.id })}>
          ${icons.trash}
        </button>
      </div>
      ${selected && entry.valid ? this.#details(entry) : nothing}
    </li>`;
  }

  #startRename(id: string): void {
    this.renaming = id;
    void this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector<HTMLInputElement>('input.rename');
      input?.focus();
      input?.select();
    });
  }

  #details(entry: Extract<LayerEntry, { valid: true }>) {
    const { layer } = entry;
    const index = this.#stackIndex(entry.id);
    const percent = Math.round(layer.opacity * 100);
    return html`<div class="details">
      <label class="field">
        Opacity
        <span class="opacity">
          <input
            type="range"
            name="opacity"
            min="0"
            max="100"
            step="1"
            .value=${String(percent)}
            ?disabled=${!this.editable}
            aria-valuetext=${`${percent}%`}
            @input=${(e: Event) => this.#update(entry.id, { opacity: Number((e.target as HTMLInputElement).value) / 100 }, false)}
            @change=${(e: Event) => this.#update(entry.id, { opacity: Number((e.target as HTMLInputElement).value) / 100 }, true)}
          />
          <output>${percent}%</output>
        </span>
      </label>
      <label class="field">
        Blend
        <select
          class="input"
          name="blend"
          ?disabled=${!this.editable}
          @change=${(e: Event) => this.#update(entry.id, { blend: (e.target as HTMLSelectElement).value as BlendMode })}
        >
          ${BLEND_MODES.map((mode) => html`<option value=${mode} ?selected=${mode === layer.blend}>${BLEND_LABELS[mode]}</option>`)}
        </select>
      </label>
      <div class="tools">
        <button class="btn ghost" ?disabled=${!this.editable} @click=${() => this.#startRename(entry.id)}>${icons.edit} Rename</button>
        <span class="spacer"></span>
        <button class="icon-btn" aria-label="Bring forward" title="Bring forward (Alt+↑)" ?disabled=${!this.editable || index >= this.layers.length - 1} @click=${() => this.#move(entry.id, index + 1)}>${icons.chevronUp}</button>
        <button class="icon-btn" aria-label="Send backward" title="Send backward (Alt+↓)" ?disabled=${!this.editable || index <= 0} @click=${() => this.#move(entry.id, index - 1)}>${icons.chevronDown}</button>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'layer-panel': LayerPanel;
  }
}
