// Socket.IO sends a binary event as two WebSocket frames (a text header and
// the attachment), each its own write system call. Corking a recipient's TCP
// socket until the current tick ends turns what engine.io writes to it in that
// tick into one writev. engine.io writes only its first packet at once and
// keeps the rest until that write completes (after the uncork): so each
// delivery's frames go to it as one packet (pre-encoded.ts). Profiling showed
// these syscalls were half the server's time at 45,000 deliveries/s.
import type { Socket as NetSocket } from 'node:net';

/** The TCP socket under an engine.io connection when it speaks WebSocket. */
export function tcpSocketOf(engineConnection: unknown): NetSocket | undefined {
  // engine.io's websocket transport keeps its `ws` WebSocket in `socket`, and
  // ws keeps the TCP socket in `_socket`. Neither is public API: if either
  // moves, this returns undefined and writes simply go out uncoalesced.
  const transport = (engineConnection as { transport?: { name?: string; socket?: { _socket?: unknown } } }).transport;
  if (transport?.name !== 'websocket') return undefined;
  const tcp = transport.socket?._socket as NetSocket | undefined;
  return typeof tcp?.cork === 'function' && typeof tcp.uncork === 'function' ? tcp : undefined;
}

export class WriteCoalescer {
  #held: NetSocket[] = [];

  /** Corks the socket until the end of the current tick (once per tick). */
  hold(socket: NetSocket | undefined): void {
    if (!socket || socket.writableCorked > 0 || socket.destroyed) return;
    socket.cork();
    if (this.#held.push(socket) === 1) process.nextTick(this.#release);
  }

  #release = (): void => {
    const held = this.#held;
    this.#held = [];
    for (const socket of held) {
      while (socket.writableCorked > 0) socket.uncork();
    }
  };
}
