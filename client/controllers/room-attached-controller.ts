// A controller that follows the room's connection: it attaches to each
// RoomSetup the RoomConnection publishes and detaches when it goes away or
// the host disconnects.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RoomConnection, RoomSetup } from './room-connection.ts';

export abstract class RoomAttachedController implements ReactiveController {
  protected readonly host: ReactiveControllerHost;
  protected readonly connection: RoomConnection;
  #unsubscribe: (() => void) | null = null;

  constructor(host: ReactiveControllerHost, connection: RoomConnection) {
    this.host = host;
    this.connection = connection;
    host.addController(this);
  }

  hostConnected(): void {
    this.#unsubscribe = this.connection.subscribe((setup) => this.attach(setup));
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.attach(null);
  }

  /** Called with the new setup, or null when there is none any more. */
  protected abstract attach(setup: RoomSetup | null): void;
}
