// Undo and redo of my own changes to the canvas (layers, candidates, canvas
// settings): a Y.UndoManager that tracks the local origin only, with
// Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z (or Ctrl+Y) outside text fields. The prompt
// editor keeps its own text history.
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { LOCAL_ORIGIN } from '../doc/local-origin.ts';
import { RoomAttachedController } from './room-attached-controller.ts';
import type { RoomSetup } from './room-connection.ts';

/** Whether a key event belongs to a text field (which has its own undo). */
export function isTextTarget(event: Event): boolean {
  for (const node of event.composedPath()) {
    if (!(node instanceof HTMLElement)) continue;
    if (node.isContentEditable || node.classList.contains('cm-editor')) return true;
    if (node instanceof HTMLTextAreaElement) return true;
    if (node instanceof HTMLInputElement && !['range', 'checkbox', 'radio', 'button', 'color', 'file'].includes(node.type)) return true;
  }
  return false;
}

export class UndoController extends RoomAttachedController {
  manager: Y.UndoManager | null = null;
  canUndo = false;
  canRedo = false;

  override hostConnected(): void {
    super.hostConnected();
    window.addEventListener('keydown', this.#onKey);
  }

  override hostDisconnected(): void {
    window.removeEventListener('keydown', this.#onKey);
    super.hostDisconnected();
  }

  undo(): void {
    this.manager?.undo();
  }

  redo(): void {
    this.manager?.redo();
  }

  /** Ends the current step, so the next change (a drag) undoes on its own. */
  stopCapturing(): void {
    this.manager?.stopCapturing();
  }

  protected attach(setup: RoomSetup | null): void {
    this.manager?.destroy();
    this.manager = null;
    if (setup) {
      const { doc } = setup;
      this.manager = new Y.UndoManager([doc.getArray(ROOTS.layers), doc.getArray(ROOTS.candidates), doc.getMap(ROOTS.meta)], {
        trackedOrigins: new Set([LOCAL_ORIGIN]),
        captureTimeout: 400,
      });
      const refresh = () => this.#refresh();
      this.manager.on('stack-item-added', refresh);
      this.manager.on('stack-item-popped', refresh);
      this.manager.on('stack-cleared', refresh);
    }
    this.#refresh();
  }

  #refresh(): void {
    this.canUndo = this.manager?.canUndo() ?? false;
    this.canRedo = this.manager?.canRedo() ?? false;
    this.host.requestUpdate();
  }

  #onKey = (event: KeyboardEvent): void => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextTarget(event)) return;
    const key = event.key.toLowerCase();
    if (key === 'z' && !event.shiftKey) {
      event.preventDefault();
      this.undo();
    } else if ((key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey)) {
      event.preventDefault();
      this.redo();
    }
  };
}
