// The benchmark's side of the load generator: forks bench/peers/load.ts and
// exchanges one request and one reply at a time with it.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { LoadReply, LoadRequest } from '../protocol.ts';
import type { SystemId } from '../system.ts';

const LOAD_ENTRY = path.resolve(import.meta.dirname, '../load.ts');
/** The event-loop probe (loop-probe.ts), for `--import`. */
export const LOOP_PROBE = path.resolve(import.meta.dirname, 'loop-probe.ts');

export class LoadProcess {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  static async start(system: SystemId, url: string, nodeArgs: readonly string[] = []): Promise<LoadProcess> {
    const load = new LoadProcess(fork(LOAD_ENTRY, [], { stdio: 'inherit', execArgv: [...process.execArgv, ...nodeArgs] }));
    await load.request({ type: 'init', system, url }, 'ok');
    return load;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  request<T extends LoadReply['type']>(request: LoadRequest, expect: T): Promise<Extract<LoadReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code} during ${request.type}`));
      this.#child.once('exit', onExit);
      this.#child.once('message', (reply: LoadReply) => {
        this.#child.off('exit', onExit);
        if (reply.type === expect) resolve(reply as Extract<LoadReply, { type: T }>);
        else reject(new Error(reply.type === 'error' ? reply.message : `expected ${expect}, got ${reply.type}`));
      });
      this.#child.send(request);
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill('SIGTERM');
    await exited;
  }
}
