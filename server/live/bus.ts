// What one node tells every node about live rooms: a listing changed (each
// node re-checks the people it holds in that room) or the owner changed
// someone's role (each node applies it to that user's connections there).
// Every node, the sender included, hears each command once.
import { z } from 'zod';
import { GRANT_ROLES } from '../../shared/live.ts';

export const liveCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('listed'), roomId: z.string().max(64) }),
  /** Unlisted, closed by a moderator or deleted: whoever may no longer be there leaves. */
  z.strictObject({ type: z.literal('recheck'), roomId: z.string().max(64) }),
  z.strictObject({
    type: z.literal('role'),
    roomId: z.string().max(64),
    userId: z.string().max(64),
    role: z.enum(GRANT_ROLES),
    by: z.string().max(64),
  }),
]);
export type LiveCommand = z.infer<typeof liveCommandSchema>;

export interface LiveBus {
  publish(command: LiveCommand): Promise<void>;
  subscribe(handler: (command: LiveCommand) => void): void;
}

/** One node: commands go straight to its own handlers. */
export class LocalLiveBus implements LiveBus {
  readonly #handlers: Array<(command: LiveCommand) => void> = [];

  async publish(command: LiveCommand): Promise<void> {
    for (const handler of this.#handlers) handler(command);
  }

  subscribe(handler: (command: LiveCommand) => void): void {
    this.#handlers.push(handler);
  }
}
