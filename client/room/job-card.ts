import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Job, JobStatus } from '../../shared/protocol.ts';
import { isActive } from '../controllers/jobs-controller.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';

const STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Rendering',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** A failed job's message, with how long to wait when the provider said so. */
function errorText(job: Job): string {
  const error = job.error;
  if (!error) return '';
  const wait = error.retryAfterMs === undefined ? '' : ` Try again in ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))} s.`;
  return `${error.message}${wait}`;
}

/** One generation job: status, progress bar, live partial previews while it runs, cancel. */
@customElement('job-card')
export class JobCard extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .job {
        display: grid;
        grid-template-columns: 3rem minmax(0, 1fr) auto;
        align-items: center;
        gap: 0.7rem;
        padding: 0.55rem;
        border: 1px solid var(--line);
        border-radius: var(--radius-sm);
        background: var(--surface);
      }
      .preview {
        display: block;
        width: 3rem;
        height: 3rem;
        border-radius: 6px;
        object-fit: cover;
        background: var(--surface-2);
      }
      .previews {
        position: relative;
        width: 3rem;
        height: 3rem;
      }
      .previews .count {
        position: absolute;
        right: -4px;
        bottom: -4px;
        padding: 0 0.3rem;
        border-radius: 999px;
        background: var(--ink);
        color: white;
        font-size: 0.65rem;
        font-weight: 650;
      }
      .body {
        min-width: 0;
        display: grid;
        /* Not auto: a long prompt's one line must not widen the column past the card. */
        grid-template-columns: minmax(0, 1fr);
        gap: 0.3rem;
      }
      .line {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        font-size: 0.82rem;
      }
      .status {
        flex: none;
        font-weight: 650;
      }
      .status.failed {
        color: var(--danger);
      }
      .status.succeeded {
        color: var(--ok);
      }
      .prompt {
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        color: var(--ink-3);
      }
      .bar {
        height: 6px;
        border-radius: 3px;
        background: var(--surface-2);
        overflow: hidden;
      }
      .bar span {
        display: block;
        height: 100%;
        background: var(--accent);
        border-radius: 3px;
        transition: width 200ms ease;
      }
      .bar.queued span {
        background: var(--line-strong);
      }
      .error {
        font-size: 0.78rem;
        color: var(--danger);
      }
      .source {
        font-size: 0.72rem;
        color: var(--ink-3);
        white-space: nowrap;
      }
      .live {
        grid-column: 1 / -1;
        display: flex;
        gap: 0.4rem;
        overflow-x: auto;
      }
      .live img {
        width: 6.5rem;
        height: 6.5rem;
        flex: none;
        border-radius: 6px;
        object-fit: cover;
        background: var(--surface-2);
      }
    `,
  ];

  @property({ attribute: false }) job!: Job;
  @property({ type: Boolean }) cancellable = false;
  @property({ attribute: false }) cancel: (jobId: string) => Promise<string | null> = async () => null;
  @state() private cancelling = false;
  @state() private error: string | null = null;

  async #cancel(): Promise<void> {
    this.cancelling = true;
    this.error = await this.cancel(this.job.id);
    this.cancelling = false;
  }

  override render() {
    const job = this.job;
    const percent = Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
    // previews[i] is image i's latest partial ('' until it has one); results replace them.
    const previews = (job.results?.map((r) => r.src) ?? job.previews ?? []).filter(Boolean);
    const preview = previews[0];
    const active = isActive(job);
    const live = job.status === 'running' ? (job.previews ?? []).filter(Boolean) : [];
    const source = [job.params.provider, job.params.model].filter(Boolean).join(' · ');
    return html`<div class="job" data-job-id=${job.id} data-status=${job.status}>
      ${
        preview
          ? html`<span class="previews" data-count=${previews.length}>
            <img class="preview" src=${preview} alt=${`Preview of: ${job.prompt}`} />
            ${previews.length > 1 ? html`<span class="count" aria-label=${`${previews.length} images`}>×${previews.length}</span>` : nothing}
          </span>`
          : html`<span class="preview skeleton" aria-hidden="true"></span>`
      }
      <div class="body">
        <div class="line">
          <span class="status ${job.status}">${STATUS_LABELS[job.status]}${job.status === 'running' ? ` ${percent}%` : ''}</span>
          <span class="prompt" title=${job.prompt}>${job.prompt}</span>
        </div>
        ${source ? html`<span class="source">${source}</span>` : nothing}
        ${
          active
            ? html`<div class="bar ${job.status}" role="progressbar" aria-label="Progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent}>
              <span style="width:${job.status === 'queued' ? 4 : Math.max(4, percent)}%"></span>
            </div>`
            : nothing
        }
        ${job.error ? html`<span class="error">${errorText(job)}</span>` : nothing}
        ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
      </div>
      ${
        active && this.cancellable
          ? html`<button class="icon-btn" aria-label="Cancel this job" title="Cancel" ?disabled=${this.cancelling} @click=${() => this.#cancel()}>${icons.close}</button>`
          : html`<span></span>`
      }
      ${
        live.length
          ? html`<div class="live" aria-label="Live previews">
            ${live.map((src, i) => html`<img src=${src} alt=${`Live preview ${i + 1} of ${live.length}: ${job.prompt}`} data-live-preview />`)}
          </div>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'job-card': JobCard;
  }
}
