// Whether this node is too busy for optional work (live previews): the share
// of time its event loop spent running, rather than waiting, since the last
// look. Previews are skipped, never queued, while it is over the threshold.
import { performance } from 'node:perf_hooks';

export class LoopBusy {
  readonly #threshold: number;
  #last = performance.eventLoopUtilization();

  /** threshold: utilisation 0–1 above which the node counts as busy. */
  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  /** Utilisation since the previous call; true when over the threshold. */
  check(): boolean {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, this.#last);
    this.#last = now;
    return since.utilization > this.#threshold;
  }
}
