import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { BLEND_MODES, type BlendMode } from '../../shared/doc-schema.ts';
import { clipText } from '../../shared/text.ts';
import type { Participant } from '../controllers/presence-controller.ts';
import type { LayerEntry, LayerPatch } from '../doc/layers.ts';
import { icons } from '../ui/icons.ts';
import '../ui/layer-thumb.ts';
import { layerPanelStyles } from './layer-panel-styles.ts';

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
  static override styles = layerPanelStyles;

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
    const name = clipText(input.value.trim(), 120);
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
