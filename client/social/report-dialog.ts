import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { REPORT_NOTE_MAX, REPORT_REASONS, type ReportReason, type ReportTarget } from '../../shared/social.ts';
import { describeError } from '../api/http.ts';
import { report } from '../api/social.ts';
import { baseStyles, dialogStyles } from '../ui/styles.ts';

const REASON_LABELS: Record<ReportReason, string> = {
  spam: 'Spam',
  harassment: 'Harassment or bullying',
  sexual: 'Sexual content',
  violence: 'Violence or threats',
  illegal: 'Something illegal',
  other: 'Something else',
};

/** Reports a work, comment, user or room to the moderators: a reason and an optional note. */
@customElement('report-dialog')
export class ReportDialog extends LitElement {
  static override styles = [
    baseStyles,
    dialogStyles,
    css`
      :host {
        --dialog-width: 26rem;
      }
      form {
        display: grid;
        gap: 1rem;
      }
      fieldset {
        border: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.4rem;
      }
      label.choice {
        display: flex;
        min-height: var(--tap);
        gap: 0.5rem;
        align-items: center;
        font-size: 0.9rem;
      }
      textarea {
        min-height: 4.5rem;
        resize: vertical;
      }
    `,
  ];

  @state() private target: ReportTarget | null = null;
  @state() private what = '';
  @state() private busy = false;
  @state() private error: string | null = null;
  @state() private done = false;
  @query('dialog') private dialog!: HTMLDialogElement;

  open(target: ReportTarget, what: string): void {
    this.target = target;
    this.what = what;
    this.error = null;
    this.done = false;
    this.dialog.showModal();
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const reason = data.get('reason') as ReportReason | null;
    if (!this.target || !reason) {
      this.error = 'Choose a reason.';
      return;
    }
    this.busy = true;
    try {
      await report(this.target, reason, String(data.get('note') ?? '').trim() || undefined);
      this.done = true;
      form.reset();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<dialog aria-labelledby="report-title">
      ${
        this.done
          ? html`<div class="top"><h2 id="report-title">Thank you</h2></div>
            <p>The moderators will look at this ${this.what}.</p>
            <div class="actions"><button class="btn primary" @click=${() => this.dialog.close()}>Close</button></div>`
          : html`<form @submit=${(e: SubmitEvent) => this.#submit(e)}>
            <h2 id="report-title">Report this ${this.what}</h2>
            <fieldset>
              <legend class="visually-hidden">Reason</legend>
              ${REPORT_REASONS.map((r) => html`<label class="choice"><input type="radio" name="reason" value=${r} required /> ${REASON_LABELS[r]}</label>`)}
            </fieldset>
            <label class="field">Anything the moderators should know (optional)
              <textarea class="input" name="note" maxlength=${REPORT_NOTE_MAX}></textarea>
            </label>
            ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
            <div class="actions">
              <button type="button" class="btn ghost" @click=${() => this.dialog.close()}>Cancel</button>
              <button class="btn primary" ?disabled=${this.busy}>${this.busy ? 'Sending…' : 'Report'}</button>
            </div>
          </form>`
      }
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'report-dialog': ReportDialog;
  }
}
