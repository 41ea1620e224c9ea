// Rate-limit notices (`room:error … rate_limited`) on both transports: at
// most one a second per connection, so a flood cannot amplify itself; one held
// back is sent when the throttle allows, because a client only resyncs what
// was dropped once it has been told. The state lives on the connection's own
// object (Socket.IO's socket.data, the event socket) rather than in one more
// allocation per connection.

const NOTICE_INTERVAL_MS = 1000;

export interface NoticeState {
  lastNotice: number;
  /** A notice held back by the throttle, sent when it allows. */
  pendingNotice: NodeJS.Timeout | undefined;
}

/** Sends now, or once a second has passed since the last; nothing more while one waits. */
export function throttledNotice(state: NoticeState, send: () => void): void {
  if (state.pendingNotice) return;
  const fire = () => {
    state.pendingNotice = undefined;
    state.lastNotice = performance.now();
    send();
  };
  const wait = state.lastNotice + NOTICE_INTERVAL_MS - performance.now();
  if (wait <= 0) fire();
  else state.pendingNotice = setTimeout(fire, wait);
}
