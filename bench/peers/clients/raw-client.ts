// What every raw load client shares: its WebSocket, where its deliveries go,
// and the promise that settles once it is synced.
import { WebSocket } from 'ws';
import { CONNECT_TIMEOUT_MS, type DeliverySink, type RawClient, withTimeout } from '../system.ts';

/** Encoded empty Yjs state vector and empty update. */
export const EMPTY_STATE_VECTOR = new Uint8Array([0]);
export const EMPTY_UPDATE = new Uint8Array([0, 0]);

export class RawConnection implements RawClient {
  readonly ws: WebSocket;
  readonly client: number;
  readonly #sink: DeliverySink;
  #synced!: () => void;
  #failed!: (err: Error) => void;
  readonly #ready: Promise<RawClient>;
  #send: (update: Uint8Array) => void = () => {};

  constructor(url: string, client: number, sink: DeliverySink) {
    this.client = client;
    this.#sink = sink;
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.#ready = withTimeout(
      new Promise<RawClient>((resolve, reject) => {
        this.#synced = () => resolve(this);
        this.#failed = reject;
      }),
      CONNECT_TIMEOUT_MS,
      `connect ${url}`,
    );
    // Settled promises ignore later calls, so these only matter before the sync.
    this.ws.on('error', (err) => this.#failed(err));
    this.ws.on('close', (code) => this.#failed(new Error(`closed with ${code} before it synced`)));
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Resolves once `markSynced` is called, rejects on error, close or timeout. */
  ready(): Promise<RawClient> {
    this.#ready.catch(() => this.ws.terminate());
    return this.#ready;
  }

  markSynced(send: (update: Uint8Array) => void): void {
    this.#send = send;
    this.#synced();
  }

  fail(err: Error): void {
    this.#failed(err);
  }

  /** An update the server delivered. */
  delivered(update: Uint8Array): void {
    this.#sink.record(update, this.client);
  }

  sendUpdate(update: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.#send(update);
  }

  close(): void {
    this.ws.close();
  }
}
