import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PublishWorkBody } from '../../shared/protocol.ts';
import { normalizeTag, TAGS_PER_WORK } from '../../shared/social.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles, dialogStyles } from '../ui/styles.ts';

/** Title and description for the finished piece; publishing lands on its page. */
@customElement('publish-dialog')
export class PublishDialog extends LitElement {
  static override styles = [
    baseStyles,
    dialogStyles,
    css`
      :host {
        --dialog-width: 30rem;
      }
      form {
        display: grid;
        gap: 1rem;
      }
      textarea {
        min-height: 6rem;
        resize: vertical;
      }
      .note {
        margin: 0;
        font-size: 0.82rem;
        color: var(--ink-3);
      }
      .count {
        justify-self: end;
        font-size: 0.75rem;
        color: var(--ink-3);
      }
      .check {
        display: flex;
        gap: 0.5rem;
        align-items: flex-start;
        font-size: 0.88rem;
        font-weight: 400;
        color: var(--ink);
      }
      .check input {
        margin-top: 0.2rem;
      }
      .check small {
        display: block;
        color: var(--ink-3);
      }
    `,
  ];

  /** Suggested title (the room's). */
  @property() suggestedTitle = '';
  /** Sends the request; resolves with an error message or null on success. */
  @property({ attribute: false }) publish: (request: PublishWorkBody) => Promise<string | null> = async () => 'Not connected.';
  @state() private busy = false;
  @state() private error: string | null = null;
  @state() private descriptionLength = 0;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input[name="title"]') private titleInput!: HTMLInputElement;
  @query('textarea[name="description"]') private descriptionInput!: HTMLTextAreaElement;
  @query('input[name="tags"]') private tagsInput!: HTMLInputElement;
  @query('input[name="allowRemix"]') private allowRemixInput!: HTMLInputElement;
  @query('input[name="hidePrompt"]') private hidePromptInput!: HTMLInputElement;

  open(): void {
    this.error = null;
    this.dialog.showModal();
    if (!this.titleInput.value) this.titleInput.value = this.suggestedTitle;
    this.titleInput.select();
  }

  close(): void {
    this.dialog.close();
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const title = this.titleInput.value.trim();
    const description = this.descriptionInput.value.trim();
    if (!title) {
      this.error = 'Give the piece a title.';
      return;
    }
    const words = this.tagsInput.value.split(/[\s,]+/).filter(Boolean);
    const tags = words.map(normalizeTag);
    const bad = words.find((_, i) => tags[i] === null);
    if (bad !== undefined) {
      this.error = `"${bad}" is not a tag: use letters, digits and dashes, at most 32.`;
      return;
    }
    if (tags.length > TAGS_PER_WORK) {
      this.error = `At most ${TAGS_PER_WORK} tags.`;
      return;
    }
    const request: PublishWorkBody = { title, tags: [...new Set(tags as string[])] };
    if (description) request.description = description;
    if (!this.allowRemixInput.checked) request.allowRemix = false;
    if (this.hidePromptInput.checked) request.hidePrompt = true;
    this.busy = true;
    this.error = null;
    this.error = await this.publish(request);
    this.busy = false;
    if (!this.error) this.dialog.close();
  }

  override render() {
    return html`<dialog aria-labelledby="publish-title">
      <form @submit=${(e: SubmitEvent) => this.#submit(e)}>
        <div class="top">
          <h2 id="publish-title">Publish to the gallery</h2>
          <button type="button" class="icon-btn" aria-label="Close" @click=${() => this.dialog.close()}>${icons.close}</button>
        </div>
        <p class="note">The canvas is rendered as you see it, with the prompt and everyone who made it credited. Anyone can then like and remix it.</p>
        <label class="field">Title <input class="input" name="title" maxlength="120" required /></label>
        <label class="field">
          Description (optional)
          <textarea class="input" name="description" maxlength="2000" @input=${(e: Event) => (this.descriptionLength = (e.target as HTMLTextAreaElement).value.length)}></textarea>
        </label>
        <span class="count" aria-hidden="true">${this.descriptionLength} / 2000</span>
        <label class="field">Tags (optional, up to ${TAGS_PER_WORK}; #tags in the description count too)
          <input class="input" name="tags" placeholder="lighthouse, dawn, sea" autocomplete="off" />
        </label>
        <label class="check"><input type="checkbox" name="allowRemix" checked /> <span>Let others remix it<small>They start a room of their own from your layers.</small></span></label>
        <label class="check"><input type="checkbox" name="hidePrompt" /> <span>Keep the prompt to ourselves<small>It is not shown, searchable or carried into remixes.</small></span></label>
        ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
        <div class="actions">
          <button type="button" class="btn ghost" @click=${() => this.dialog.close()}>Cancel</button>
          <button class="btn primary" ?disabled=${this.busy}>${icons.send} ${this.busy ? 'Publishing…' : 'Publish'}</button>
        </div>
      </form>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'publish-dialog': PublishDialog;
  }
}
