import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { Candidate } from '../../shared/doc-schema.ts';
import type { GenParams, Job } from '../../shared/protocol.ts';
import { baseStyles } from '../ui/styles.ts';
import './candidate-tray.ts';
import './generation-panel.ts';

/**
 * The room's left column: the shared prompt, the generation form with its
 * jobs, and the generated images waiting to be placed. The prompt editor's
 * code loads separately (the room page imports it when idle); until then a
 * placeholder holds its place. Placing and discarding go out as the tray's
 * events; the room page applies them.
 */
@customElement('prompt-sidebar')
export class PromptSidebar extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 1.3rem;
      }
      section {
        display: grid;
        gap: 0.6rem;
      }
      .editor-placeholder {
        height: 7.5rem;
        border-radius: var(--radius-sm);
      }
      prompt-editor:not(:defined) {
        display: none;
      }
    `,
  ];

  @property({ attribute: false }) doc: Y.Doc | null = null;
  @property({ attribute: false }) awareness: Awareness | null = null;
  @property({ type: Boolean }) editable = false;
  /** Whether the prompt editor's code has loaded. */
  @property({ type: Boolean }) editorReady = false;
  @property({ attribute: false }) promptText = '';
  @property({ attribute: false }) jobs: Job[] = [];
  @property({ attribute: false }) candidates: Candidate[] = [];
  /** Starts a job; resolves to an error message, or null. */
  @property({ attribute: false }) start: (params: GenParams) => Promise<string | null> = async () => 'Not connected.';
  /** Cancels a job; resolves to an error message, or null. */
  @property({ attribute: false }) cancel: (jobId: string) => Promise<string | null> = async () => 'Not connected.';

  override render() {
    const { candidates } = this;
    return html`
      <section>
        <h2 class="section-title">Prompt</h2>
        ${this.editorReady ? nothing : html`<div class="editor-placeholder skeleton" role="status" aria-label="Loading the prompt editor"></div>`}
        <prompt-editor .doc=${this.doc} .awareness=${this.awareness} ?readonly=${!this.editable}></prompt-editor>
      </section>
      <section>
        <h2 class="section-title">Generate</h2>
        <generation-panel
          ?editable=${this.editable}
          .promptText=${this.promptText}
          .jobs=${this.jobs}
          .start=${this.start}
          .cancel=${this.cancel}
        ></generation-panel>
      </section>
      <section>
        <h2 class="section-title">Generated images${candidates.length ? ` · ${candidates.length}` : ''}</h2>
        <candidate-tray .candidates=${candidates} ?editable=${this.editable}></candidate-tray>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prompt-sidebar': PromptSidebar;
  }
}
