import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ProviderInfo } from '../../shared/protocol.ts';
import { fetchProviders } from '../api/providers.ts';
import { type LoadProviders, ProvidersController } from '../controllers/providers-controller.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import { BRUSH_SIZES } from './mask-brush.ts';
import type { MaskEditRequest } from './mask-edit-controller.ts';
import type { MaskSession } from './mask-session.ts';

/**
 * The mask brush's controls while a mask is painted over a layer: brush size,
 * paint or erase, fill and clear, what should change, the provider (those
 * that take masks), "Edit with prompt", and Cancel. Sends `mask-submit`
 * {prompt, provider} and `mask-exit`.
 */
@customElement('mask-toolbar')
export class MaskToolbar extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.6rem;
        padding: 0.6rem;
        border: 1px solid var(--line);
        border-radius: var(--radius-sm);
        background: var(--surface);
      }
      .group {
        display: flex;
        gap: 0.25rem;
        align-items: center;
      }
      .group .btn[aria-pressed='true'] {
        background: var(--accent);
        color: white;
        border-color: var(--accent);
      }
      .dot {
        display: inline-block;
        border-radius: 50%;
        background: currentColor;
      }
      .what {
        flex: 1 1 14rem;
      }
      textarea.input {
        min-height: 2.4rem;
        resize: vertical;
      }
      .status {
        flex-basis: 100%;
        font-size: 0.8rem;
        /* Two lines kept for it whatever it says: its longer text after the first stroke moved the canvas
           down under a painting finger on a phone. */
        min-height: 2lh;
      }
    `,
  ];

  @property({ attribute: false }) session: MaskSession | null = null;
  /** Changes with every stroke and brush change of the session (which stays the same object). */
  @property({ type: Number }) revision = 0;
  @property() layerName = '';
  /** The room's prompt: what the edit asks for unless the person writes something else. */
  @property() promptText = '';
  @property({ type: Boolean }) busy = false;
  @property() error: string | null = null;
  @property({ attribute: false }) loadProviders: LoadProviders = fetchProviders;
  @state() private prompt: string | null = null;
  @state() private provider = '';
  readonly #providers = new ProvidersController(this, () => this.loadProviders);

  /** Providers that can edit a layer with a mask. */
  get #offered(): ProviderInfo[] {
    return (this.#providers.providers ?? []).filter((p) => p.capabilities.edit && p.capabilities.mask);
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const prompt = (this.prompt ?? this.promptText).trim();
    const offered = this.#offered;
    const provider = offered.find((p) => p.id === this.provider) ?? offered.find((p) => p.default) ?? offered[0];
    const detail: MaskEditRequest = { prompt, provider: provider?.id };
    this.dispatchEvent(new CustomEvent('mask-submit', { detail, bubbles: true, composed: true }));
  }

  #status(session: MaskSession, canEdit: boolean): string {
    if (!canEdit) return this.#providers.providers === null ? 'Loading providers…' : 'No provider on this server can edit with a mask.';
    if (!session.painter.painted) return `Paint over ${this.layerName} where it should change.`;
    return 'The painted area will be redrawn; the result arrives among the generated images.';
  }

  #exit(): void {
    this.dispatchEvent(new CustomEvent('mask-exit', { bubbles: true, composed: true }));
  }

  override render() {
    const session = this.session;
    if (!session) return nothing;
    const prompt = this.prompt ?? this.promptText;
    const offered = this.#offered;
    const ready = session.painter.painted && prompt.trim() !== '' && !this.busy && offered.length > 0;
    return html`<form aria-label=${`Mask and edit ${this.layerName}`} @submit=${(e: SubmitEvent) => this.#submit(e)}>
      <div class="group" role="group" aria-label="Brush size">
        ${BRUSH_SIZES.map(
          (size) => html`<button
            type="button"
            class="btn"
            aria-pressed=${session.brush === size}
            aria-label=${`Brush ${size} pixels`}
            title=${`Brush ${size} px`}
            @click=${() => session.setBrush(size)}
          ><span class="dot" style="width:${4 + size / 16}px;height:${4 + size / 16}px"></span></button>`,
        )}
      </div>
      <div class="group" role="group" aria-label="Brush mode">
        <button type="button" class="btn" aria-pressed=${!session.erase} @click=${() => session.setErase(false)}>Paint</button>
        <button type="button" class="btn" aria-pressed=${session.erase} @click=${() => session.setErase(true)}>Erase</button>
        <button type="button" class="btn" @click=${() => session.fill()}>Fill</button>
        <button type="button" class="btn" @click=${() => session.clear()}>Clear</button>
      </div>
      <label class="field what">
        What should change
        <textarea
          class="input"
          name="editPrompt"
          rows="1"
          maxlength="4000"
          .value=${prompt}
          placeholder="Describe the new content of the painted area"
          @input=${(e: Event) => (this.prompt = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
      </label>
      ${
        offered.length > 1
          ? html`<label class="field">
            Provider
            <select class="input" name="maskProvider" @change=${(e: Event) => (this.provider = (e.target as HTMLSelectElement).value)}>
              ${offered.map((p) => html`<option value=${p.id} ?selected=${p.id === this.provider || (!this.provider && p.default)}>${p.label}</option>`)}
            </select>
          </label>`
          : nothing
      }
      <div class="group">
        <button class="btn primary" ?disabled=${!ready}>${icons.sparkles} ${this.busy ? 'Starting…' : 'Edit with prompt'}</button>
        <button type="button" class="btn" @click=${() => this.#exit()}>Cancel</button>
      </div>
      <span class="status ${this.error ? 'error-text' : 'muted'}" role=${this.error ? 'alert' : 'status'}>
        ${this.error ?? this.#status(session, offered.length > 0)}
      </span>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mask-toolbar': MaskToolbar;
  }
}
