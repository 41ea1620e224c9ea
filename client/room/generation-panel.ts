import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type GenParams, IMAGE_SIZES, type ImageSize, type Job } from '../../shared/protocol.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import './job-card.ts';

export const PROVIDER_CHOICES = [
  { value: '', label: 'Room default' },
  { value: 'local', label: 'Local sketch renderer (offline, not AI)' },
  { value: 'openai', label: 'OpenAI (when the server has a key)' },
] as const;

const SIZE_LABELS: Record<ImageSize, string> = {
  '256x256': '256 × 256',
  '512x512': '512 × 512',
  '1024x1024': '1024 × 1024',
  '1024x1536': '1024 × 1536 tall',
  '1536x1024': '1536 × 1024 wide',
};

/**
 * Asks for images: size, count, seed and provider, a Generate button, and the
 * room's jobs with their progress. The prompt itself is the shared one.
 */
@customElement('generation-panel')
export class GenerationPanel extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: grid;
        gap: 0.9rem;
      }
      form {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.7rem;
      }
      .wide {
        grid-column: 1 / -1;
      }
      .go {
        grid-column: 1 / -1;
        display: flex;
        align-items: center;
        gap: 0.7rem;
      }
      .go .btn {
        min-height: 2.6rem;
        padding: 0 1.2rem;
      }
      .hint {
        font-size: 0.8rem;
      }
      .jobs {
        display: grid;
        gap: 0.5rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
    `,
  ];

  @property({ type: Boolean }) editable = false;
  @property() promptText = '';
  @property({ attribute: false }) jobs: Job[] = [];
  /** Starts a job; resolves with an error message or null. */
  @property({ attribute: false }) start: (params: GenParams) => Promise<string | null> = async () => 'Not connected.';
  @property({ attribute: false }) cancel: (jobId: string) => Promise<string | null> = async () => 'Not connected.';
  @state() private size: ImageSize = '1024x1024';
  @state() private count = 1;
  @state() private seed = '';
  @state() private provider = '';
  @state() private sending = false;
  @state() private error: string | null = null;

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.editable || this.sending) return;
    if (!this.promptText.trim()) {
      this.error = 'Write a prompt first — it is what the image will show.';
      return;
    }
    const params: GenParams = { size: this.size, count: this.count };
    const seed = this.seed.trim();
    if (seed !== '') {
      const value = Number(seed);
      if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
        this.error = 'The seed is a whole number from 0 to 2147483647, or empty for a random one.';
        return;
      }
      params.seed = value;
    }
    if (this.provider) params.provider = this.provider;
    this.sending = true;
    this.error = null;
    this.error = await this.start(params);
    this.sending = false;
  }

  override render() {
    const disabled = !this.editable;
    return html`
      <form @submit=${(e: SubmitEvent) => this.#submit(e)} aria-label="Generate images">
        <label class="field">
          Size
          <select class="input" name="size" ?disabled=${disabled} @change=${(e: Event) => (this.size = (e.target as HTMLSelectElement).value as ImageSize)}>
            ${IMAGE_SIZES.map((size) => html`<option value=${size} ?selected=${size === this.size}>${SIZE_LABELS[size]}</option>`)}
          </select>
        </label>
        <label class="field">
          Images
          <select class="input" name="count" ?disabled=${disabled} @change=${(e: Event) => (this.count = Number((e.target as HTMLSelectElement).value))}>
            ${[1, 2, 3, 4].map((n) => html`<option value=${n} ?selected=${n === this.count}>${n}</option>`)}
          </select>
        </label>
        <label class="field">
          Seed
          <input
            class="input"
            name="seed"
            inputmode="numeric"
            placeholder="Random"
            .value=${this.seed}
            ?disabled=${disabled}
            @input=${(e: Event) => (this.seed = (e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="field">
          Provider
          <select class="input" name="provider" ?disabled=${disabled} @change=${(e: Event) => (this.provider = (e.target as HTMLSelectElement).value)}>
            ${PROVIDER_CHOICES.map((p) => html`<option value=${p.value} ?selected=${p.value === this.provider}>${p.label}</option>`)}
          </select>
        </label>
        <div class="go">
          <button class="btn primary" ?disabled=${disabled || this.sending}>${icons.sparkles} ${this.sending ? 'Starting…' : 'Generate'}</button>
          ${
            this.error
              ? html`<span class="error-text" role="alert">${this.error}</span>`
              : html`<span class="hint muted">${disabled ? 'View only: you can watch, not generate.' : 'Uses the prompt above. Results land in the tray below.'}</span>`
          }
        </div>
      </form>
      ${
        this.jobs.length
          ? html`<ul class="jobs" aria-label="Generation jobs">
            ${this.jobs.map((job) => html`<li><job-card .job=${job} ?cancellable=${this.editable} .cancel=${this.cancel}></job-card></li>`)}
          </ul>`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'generation-panel': GenerationPanel;
  }
}
