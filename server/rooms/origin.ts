// Where a change came from. Carried as the Yjs transaction origin, so every
// observer knows whether to store, relay or echo it.

export type UpdateOrigin =
  /** A participant connected to this node. */
  | { source: 'connection'; connectionId: string; userId: string }
  /** Another node, through the relay: already stored and published there. */
  | { source: 'remote'; nodeId: string }
  /** This server itself (room creation, job results, title changes). */
  | { source: 'server'; reason: string; userId?: string }
  /** The room's own stored history, applied when it loads. */
  | { source: 'load' };

/** Whether this node must append a change with this origin to the log. */
export function isStoredHere(origin: UpdateOrigin): boolean {
  switch (origin.source) {
    case 'connection':
    case 'server':
      return true;
    case 'remote':
    case 'load':
      return false;
    default:
      return assertNever(origin);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** Yjs hands back transaction origins as `any`; ours are always UpdateOrigin objects. */
export function asOrigin(value: unknown): UpdateOrigin {
  if (typeof value === 'object' && value !== null && 'source' in value) return value as UpdateOrigin;
  // Local transactions without an origin (none of ours) count as the server's own.
  return { source: 'server', reason: 'unattributed' };
}
