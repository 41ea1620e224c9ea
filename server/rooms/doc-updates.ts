// A room's `update` listener on its Y.Doc, and applying a participant's
// update without Yjs encoding it again. With an `update` listener, Yjs
// re-encodes every transaction into an update for it (about 5 % of the
// server's busy time under typing load). When the update check found an
// update fresh (CheckedUpdate.fresh: every run starts at the room's next clock
// for its client), what the transaction adds is exactly that update, so it is
// applied with the listener off and handed to the listener itself, as Yjs'
// own would have been, once the transaction is done. The doc's events are
// emitted without lib0's allocations (lean-emit.ts, set up by doc-load.ts),
// and when the room's listener is the doc's only `update` listener it is taken
// off and put back as its whole set: lib0's off and on dropped the set and
// made a new one for every keystroke.
import * as Y from 'yjs';
import type { UpdateOrigin } from './origin.ts';

export type UpdateHandler = (update: Uint8Array, origin: unknown) => void;

/** lib0's listeners by event name: Yjs encodes a transaction's update only when this has `update`. */
type Observers = Map<string, Set<unknown>>;

export class DocUpdates {
  readonly #doc: Y.Doc;
  readonly #onUpdate: UpdateHandler;
  /** Transactions begun since applyFresh started (-1: not in one). */
  #begun = -1;
  /** The doc's `update` listeners while taken off whole (only ours), to put back as they were. */
  #parked: Set<unknown> | null = null;

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
    this.#detach();
    this.#begun = 0;
    try {
      Y.applyUpdate(this.#doc, update, origin);
    } finally {
      const begun = this.#begun;
      this.#begun = -1;
      // begun > 1: the listener is back already, and Yjs reported everything.
      if (begun <= 1) this.#attach();
      if (begun === 1) this.#onUpdate(update, origin);
    }
  }

  dispose(): void {
    this.#doc.off('update', this.#onUpdate);
    this.#doc.off('beforeTransaction', this.#onBeforeTransaction);
  }

  #onBeforeTransaction = (): void => {
    if (this.#begun < 0) return;
    if (++this.#begun === 2) this.#attach();
  };

  #detach(): void {
    const observers = this.#doc._observers as Observers;
    const listeners = observers.get('update');
    if (listeners?.size === 1 && listeners.has(this.#onUpdate)) {
      observers.delete('update');
      this.#parked = listeners;
    } else this.#doc.off('update', this.#onUpdate);
  }

  /** Back as it was; if a listener was added meanwhile (a new set), ours joins it. */
  #attach(): void {
    const parked = this.#parked;
    this.#parked = null;
    const observers = this.#doc._observers as Observers;
    if (parked && !observers.has('update')) observers.set('update', parked);
    else this.#doc.on('update', this.#onUpdate);
  }
}
