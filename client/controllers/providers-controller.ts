// The providers a job may name, for the generation panel: loaded when the
// panel appears and refreshed while it stays (a backend may come or go), so
// the panel never offers a provider the server cannot run.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ProviderInfo } from '../../shared/protocol.ts';
import { describeError } from '../api/http.ts';
import { fetchProviders } from '../api/providers.ts';

/** The server re-checks its providers every 30 s by default; asking more often shows nothing new. */
const REFRESH_MS = 30_000;

export type LoadProviders = (signal: AbortSignal) => Promise<ProviderInfo[]>;

export class ProvidersController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #load: () => LoadProviders;
  #timer: ReturnType<typeof setInterval> | undefined;
  #abort: AbortController | undefined;
  /** null until the first answer. */
  providers: ProviderInfo[] | null = null;
  error: string | null = null;

  /** `load` is read at each refresh, so a host may swap it (tests do). */
  constructor(host: ReactiveControllerHost, load: () => LoadProviders = () => fetchProviders) {
    this.#host = host;
    this.#load = load;
    host.addController(this);
  }

  hostConnected(): void {
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
    this.#abort?.abort();
  }

  async refresh(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    try {
      this.providers = await this.#load()(abort.signal);
      this.error = null;
    } catch (err) {
      if (abort.signal.aborted) return;
      // Keep what was known: a failed refresh does not take the choices away.
      this.error = describeError(err);
    }
    this.#host.requestUpdate();
  }

  /** The default provider, else the first offered. */
  get fallback(): ProviderInfo | undefined {
    return this.providers?.find((p) => p.default) ?? this.providers?.[0];
  }
}
