// A room's `update` listener on its Y.Doc, and applying a participant's
// update without Yjs encoding it again. With an `update` listener, Yjs
// re-encodes every transaction into an update for it (about 5 % of the
// server's busy time under typing load). When the update check found an
// update fresh (CheckedUpdate.fresh: every run starts at the room's next clock
// for its client), what the transaction adds is exactly that update, so it is
// applied with the listener off and handed to the listener itself, as Yjs'
// own would have been, once the transaction is done. The doc's events are
// emitted without lib0's allocations (lean-emit.ts, set up by doc-load.ts).
import * as Y from 'yjs';
import type { UpdateOrigin } from './origin.ts';

export type UpdateHandler = (update: Uint8Array, origin: unknown) => void;

export class DocUpdates {
  readonly #doc: Y.Doc;
  readonly #onUpdate: UpdateHandler;
  /** Transactions begun since applyFresh started (-1: not in one). */
  #begun = -1;

  constructor(doc: Y.Doc, onUpdate: UpdateHandler) {
    this.#doc = doc;
    this.#onUpdate = onUpdate;
    doc.on('update', onUpdate);
    doc.on('beforeTransaction', this.#onBeforeTransaction);
  }

  /**
   * Applies a fresh update. Should applying it start another transaction (an
   * observer's change, Y.Text's formatting cleanup), the listener is back
   * before that one begins, and Yjs reports both transactions as usual.
   */
  applyFresh(update: Uint8Array, origin: UpdateOrigin): void {
    this.#doc.off('update', this.#onUpdate);
    this.#begun = 0;
    try {
      Y.applyUpdate(this.#doc, update, origin);
    } finally {
      const begun = this.#begun;
      this.#begun = -1;
      // begun > 1: the listener is back already, and Yjs reported everything.
      if (begun <= 1) this.#doc.on('update', this.#onUpdate);
      if (begun === 1) this.#onUpdate(update, origin);
    }
  }

  dispose(): void {
    this.#doc.off('update', this.#onUpdate);
    this.#doc.off('beforeTransaction', this.#onBeforeTransaction);
  }

  #onBeforeTransaction = (): void => {
    if (this.#begun < 0) return;
    if (++this.#begun === 2) this.#doc.on('update', this.#onUpdate);
  };
}
