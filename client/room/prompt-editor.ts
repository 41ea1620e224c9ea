import { defaultKeymap } from '@codemirror/commands';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { ROOTS } from '../../shared/doc-schema.ts';

/**
 * The shared prompt: CodeMirror 6 bound to the room's `prompt` Y.Text, with
 * everyone's cursor and selection in their colour and name. Undo here is the
 * prompt's own history of my edits.
 */
@customElement('prompt-editor')
export class PromptEditor extends LitElement {
  static override styles = css`
    :host {
      display: block;
      border: 1px solid var(--line);
      border-radius: var(--radius-sm);
      background: var(--surface);
      transition: border-color 120ms ease, box-shadow 120ms ease;
    }
    :host(:focus-within) {
      border-color: var(--accent);
      box-shadow: 0 0 0 3px var(--accent-soft);
    }
    :host([readonly]) {
      background: var(--surface-2);
    }
    .host {
      min-height: 7.5rem;
    }
  `;

  @property({ attribute: false }) doc: Y.Doc | null = null;
  @property({ attribute: false }) awareness: Awareness | null = null;
  @property({ type: Boolean, reflect: true }) readonly = false;
  #view: EditorView | null = null;
  #undo: Y.UndoManager | null = null;
  readonly #editable = new Compartment();

  override render() {
    return html`<div class="host"></div>`;
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('doc') || changed.has('awareness')) this.#mount();
    else if (changed.has('readonly') && this.#view) {
      this.#view.dispatch({ effects: this.#editable.reconfigure(this.#editableExtensions()) });
    }
  }

  override disconnectedCallback(): void {
    this.#unmount();
    super.disconnectedCallback();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#mount();
  }

  /** Puts the caret in the prompt. */
  override focus(): void {
    this.#view?.focus();
  }

  #editableExtensions() {
    return [EditorState.readOnly.of(this.readonly), EditorView.editable.of(!this.readonly)];
  }

  #mount(): void {
    this.#unmount();
    const parent = this.renderRoot.querySelector('.host');
    if (!this.doc || !this.awareness || !(parent instanceof HTMLElement)) return;
    const ytext = this.doc.getText(ROOTS.prompt);
    this.#undo = new Y.UndoManager(ytext);
    this.#view = new EditorView({
      parent,
      root: this.renderRoot as ShadowRoot,
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: [
          keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
          yCollab(ytext, this.awareness, { undoManager: this.#undo }),
          EditorView.lineWrapping,
          // Control characters (pasted from a slide's soft line break, say) and bidirectional controls show as a
          // mark: the server refuses a prompt holding one, and the person asked to remove it must be able to see it.
          // CodeMirror's own set leaves out U+202A–U+202C and U+2068, which the server refuses as well.
          highlightSpecialChars({ addSpecialChars: /[\u202a-\u202e\u2066-\u2069]/g }),
          placeholder('Describe the image you want — everyone here can type at once…'),
          EditorView.contentAttributes.of({ 'aria-label': 'Prompt', 'aria-multiline': 'true', spellcheck: 'true' }),
          this.#editable.of(this.#editableExtensions()),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && update.transactions.some((tr) => tr.isUserEvent('input') || tr.isUserEvent('delete'))) {
              this.dispatchEvent(new CustomEvent('prompt-typing', { bubbles: true, composed: true }));
            }
          }),
          theme,
        ],
      }),
    });
  }

  #unmount(): void {
    this.#view?.destroy();
    this.#view = null;
    this.#undo?.destroy();
    this.#undo = null;
  }
}

const theme = EditorView.theme({
  '&': { fontSize: '1rem', lineHeight: '1.55', color: 'var(--ink)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--font)', maxHeight: '16rem', overflow: 'auto' },
  '.cm-content': { padding: '1.5rem 0.9rem 0.9rem', caretColor: 'var(--accent)' },
  '.cm-line': { padding: '0' },
  '.cm-placeholder': { color: 'var(--ink-3)' },
  '.cm-ySelectionInfo': {
    opacity: '1',
    top: '-1.45em',
    padding: '1px 5px',
    borderRadius: '4px 4px 4px 0',
    fontFamily: 'var(--font)',
    fontSize: '0.7rem',
    fontWeight: '600',
    lineHeight: '1.3',
  },
  '.cm-ySelectionCaret': { borderLeftWidth: '2px', borderRightWidth: '0' },
});

declare global {
  interface HTMLElementTagNameMap {
    'prompt-editor': PromptEditor;
  }
}
