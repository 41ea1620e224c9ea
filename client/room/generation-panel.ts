import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  type GenParams,
  IMAGE_SIZES,
  type ImageSize,
  type Job,
  NEGATIVE_PROMPT_MAX,
  type ProviderInfo,
  STEPS_MAX,
  STEPS_MIN,
} from '../../shared/protocol.ts';
import { fetchProviders } from '../api/providers.ts';
import { type LoadProviders, ProvidersController } from '../controllers/providers-controller.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import './job-card.ts';

const SIZE_LABELS: Record<ImageSize, string> = {
  '256x256': '256 × 256',
  '512x512': '512 × 512',
  '1024x1024': '1024 × 1024',
  '1024x1536': '1024 × 1536 tall',
  '1536x1024': '1536 × 1024 wide',
};

/**
 * Asks for images: provider and model (those the server can run now, from
 * `/api/providers`), size, count, seed, and a negative prompt and steps where
 * the provider takes them; a Generate button, and the room's jobs with their
 * progress and previews. The prompt itself is the shared one.
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
        min-height: max(2.6rem, var(--tap));
        padding: 0 1.2rem;
      }
      .hint {
        font-size: 0.8rem;
      }
      textarea.input {
        min-height: max(2.6rem, var(--tap));
        resize: vertical;
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
  /** Where the providers come from (the server's `/api/providers` unless a test says otherwise). */
  @property({ attribute: false }) loadProviders: LoadProviders = fetchProviders;
  @state() private size: ImageSize = '1024x1024';
  @state() private count = 1;
  @state() private seed = '';
  /** The chosen provider's id; '' until the first list arrives (then its default). */
  @state() private provider = '';
  /** The chosen model per provider, so switching back keeps it. */
  @state() private models: Record<string, string> = {};
  @state() private negativePrompt = '';
  @state() private steps = '';
  @state() private sending = false;
  @state() private error: string | null = null;
  readonly #providers = new ProvidersController(this, () => this.loadProviders);

  /** The chosen provider if the server still offers it, else its default. */
  get #chosen(): ProviderInfo | undefined {
    const offered = this.#providers.providers ?? [];
    return offered.find((p) => p.id === this.provider) ?? this.#providers.fallback;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.editable || this.sending) return;
    if (!this.promptText.trim()) {
      this.error = 'Write a prompt first — it is what the image will show.';
      return;
    }
    const params = this.#params();
    if (typeof params === 'string') {
      this.error = params;
      return;
    }
    this.sending = true;
    this.error = null;
    this.error = await this.start(params);
    this.sending = false;
  }

  /** The job's parameters, or why they cannot be sent. */
  #params(): GenParams | string {
    const params: GenParams = { size: this.size, count: this.count };
    const seed = this.seed.trim();
    if (seed !== '') {
      const value = Number(seed);
      if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
        return 'The seed is a whole number from 0 to 2147483647, or empty for a random one.';
      }
      params.seed = value;
    }
    const provider = this.#chosen;
    if (!provider) return params;
    params.provider = provider.id;
    const model = this.models[provider.id];
    if (model && provider.models.some((m) => m.id === model)) params.model = model;
    const { capabilities } = provider;
    if (capabilities.negativePrompt && this.negativePrompt.trim()) params.negativePrompt = this.negativePrompt.trim();
    if (capabilities.steps && this.steps.trim() !== '') {
      const steps = Number(this.steps);
      if (!Number.isInteger(steps) || steps < STEPS_MIN || steps > STEPS_MAX)
        return `Steps are a whole number from ${STEPS_MIN} to ${STEPS_MAX}.`;
      params.steps = steps;
    }
    return params;
  }

  #providerField(disabled: boolean) {
    const offered = this.#providers.providers;
    const chosen = this.#chosen;
    if (offered === null) {
      return html`<label class="field wide">Provider<select class="input" name="provider" disabled><option>${this.#providers.error ?? 'Loading…'}</option></select></label>`;
    }
    // A whole row: providers' names ("Sketch (offline, not AI)") were cut in half a sidebar.
    return html`<label class="field wide">
      Provider
      <select class="input" name="provider" ?disabled=${disabled} @change=${(e: Event) => (this.provider = (e.target as HTMLSelectElement).value)}>
        ${offered.map((p) => html`<option value=${p.id} ?selected=${p.id === chosen?.id}>${p.label}</option>`)}
      </select>
    </label>`;
  }

  #modelField(provider: ProviderInfo | undefined, disabled: boolean) {
    if (!provider || provider.models.length < 2) return nothing;
    const current = this.models[provider.id] ?? provider.defaultModel;
    return html`<label class="field">
      Model
      <select
        class="input"
        name="model"
        ?disabled=${disabled}
        @change=${(e: Event) => (this.models = { ...this.models, [provider.id]: (e.target as HTMLSelectElement).value })}
      >
        ${provider.models.map((m) => html`<option value=${m.id} ?selected=${m.id === current}>${m.label}</option>`)}
      </select>
    </label>`;
  }

  override render() {
    const disabled = !this.editable;
    const provider = this.#chosen;
    const capabilities = provider?.capabilities;
    return html`
      <form @submit=${(e: SubmitEvent) => this.#submit(e)} aria-label="Generate images">
        ${this.#providerField(disabled)} ${this.#modelField(provider, disabled)}
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
            placeholder=${capabilities && !capabilities.seed ? 'Not used by this provider' : 'Random'}
            .value=${this.seed}
            ?disabled=${disabled}
            @input=${(e: Event) => (this.seed = (e.target as HTMLInputElement).value)}
          />
        </label>
        ${
          capabilities?.steps
            ? html`<label class="field">
              Steps
              <input
                class="input"
                name="steps"
                type="number"
                inputmode="numeric"
                min=${STEPS_MIN}
                max=${STEPS_MAX}
                placeholder="Default"
                .value=${this.steps}
                ?disabled=${disabled}
                @input=${(e: Event) => (this.steps = (e.target as HTMLInputElement).value)}
              />
            </label>`
            : nothing
        }
        ${
          capabilities?.negativePrompt
            ? html`<label class="field wide">
              Leave out (negative prompt)
              <textarea
                class="input"
                name="negativePrompt"
                rows="2"
                maxlength=${NEGATIVE_PROMPT_MAX}
                placeholder="What the image should not show"
                .value=${this.negativePrompt}
                ?disabled=${disabled}
                @input=${(e: Event) => (this.negativePrompt = (e.target as HTMLTextAreaElement).value)}
              ></textarea>
            </label>`
            : nothing
        }
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
