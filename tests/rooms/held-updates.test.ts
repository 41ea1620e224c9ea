// HeldUpdates (server/rooms/sessions/held-updates.ts): what a connection holds
// while a client id's claim settles goes in in the order sent, waits again
// behind a second claim, ends at the wait's bound or the byte bound with the
// claim's own refusal, and tells the connection's actions when it is done.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { ClaimPending } from '../../server/rooms/client-owners.ts';
import { HeldUpdates, type PendingClaim } from '../../server/rooms/sessions/held-updates.ts';

interface Claim {
  pending: PendingClaim;
  /** The claim's answer: the id's owner (Ann, the sender, unless said). */
  settle(owner?: string): void;
}

function claim(clientId: number): Claim {
  let settle: (owner?: string) => void = () => {};
  const settled = new Promise<string | undefined>((resolve) => {
    settle = (owner = 'ann') => resolve(owner);
  });
  const pending = new AppError('unavailable', `claiming client id ${clientId}; it will be asked for again`, {
    cause: new ClaimPending(`client id ${clientId} is being claimed`, { clientId, userId: 'ann' }, settled),
  }) as PendingClaim;
  return { pending, settle };
}

/** A room that takes messages (bytes) unless one of them names a claim still pending. */
function setup(options: { waitMs?: number; maxBytes?: number } = {}) {
  const applied: number[] = [];
  const refused: Array<{ message: string }> = [];
  const waiting = new Map<number, Claim>();
  const held = new HeldUpdates({
    waitMs: options.waitMs ?? 1000,
    maxBytes: options.maxBytes ?? 1024,
    offer: (_roomId, message) => {
      const pendingClaim = waiting.get(message[0]!);
      if (pendingClaim) return pendingClaim.pending;
      applied.push(message[0]!);
      return null;
    },
    refuse: (_roomId, err) => refused.push({ message: err.message }),
  });
  return { held, applied, refused, waiting };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('HeldUpdates', () => {
  it('offers what it holds in the order sent once the claim settles, then tells the actions waiting', async () => {
    const { held, applied, waiting } = setup();
    const first = claim(1);
    waiting.set(1, first);
    held.start('r', Uint8Array.of(1), first.pending);
    held.add('r', Uint8Array.of(2));
    held.add('r', Uint8Array.of(3));
    const settled = held.settled();
    expect(settled).toBeInstanceOf(Promise);
    let done = false;
    void settled!.then(() => {
      done = true;
    });
    await flush();
    expect(done).toBe(false);
    expect(held.holds('r')).toBe(true);

    waiting.delete(1);
    first.settle();
    await settled;
    expect(applied).toEqual([1, 2, 3]);
    expect(held.holds('r')).toBe(false);
    expect(held.settled()).toBeUndefined();
  });

  it('a message that meets a second claim waits again, with the rest behind it', async () => {
    const { held, applied, waiting } = setup();
    const first = claim(1);
    const second = claim(2);
    waiting.set(1, first);
    waiting.set(2, second);
    held.start('r', Uint8Array.of(1), first.pending);
    held.add('r', Uint8Array.of(2));
    held.add('r', Uint8Array.of(3));
    const settled = held.settled()!;
    waiting.delete(1);
    first.settle();
    await flush();
    expect(applied).toEqual([1]);
    expect(held.holds('r')).toBe(true);

    waiting.delete(2);
    second.settle();
    await settled;
    expect(applied).toEqual([1, 2, 3]);
  });

  it('an id someone else won while the message waited: that message is refused forbidden, though the room would now take it as known; the rest go on', async () => {
    const { held, applied, refused, waiting } = setup();
    const first = claim(1);
    waiting.set(1, first);
    held.start('r', Uint8Array.of(1), first.pending);
    held.add('r', Uint8Array.of(2));
    const settled = held.settled()!;
    // Bob's structs under the id reached the room meanwhile: offered now, the message would change nothing.
    waiting.delete(1);
    first.settle('bob');
    await settled;
    expect(refused).toEqual([{ message: 'client id 1 belongs to another participant of this room' }]);
    expect(applied).toEqual([2]);
  });

  it('past waitMs, every held message is refused with the claim error and the actions go on; the claim settling later changes nothing', async () => {
    vi.useFakeTimers();
    const { held, applied, refused, waiting } = setup({ waitMs: 500 });
    const first = claim(1);
    waiting.set(1, first);
    held.start('r', Uint8Array.of(1), first.pending);
    held.add('r', Uint8Array.of(2));
    const settled = held.settled()!;
    vi.advanceTimersByTime(499);
    expect(refused).toEqual([]);
    vi.advanceTimersByTime(1);
    await settled;
    expect(refused).toEqual([{ message: first.pending.message }, { message: first.pending.message }]);
    expect(held.holds('r')).toBe(false);

    waiting.delete(1);
    first.settle();
    await vi.runAllTimersAsync();
    expect(applied).toEqual([]);
  });

  it('past maxBytes, a message is refused at once; one message is held whatever its size', async () => {
    const { held, applied, refused, waiting } = setup({ maxBytes: 4 });
    const first = claim(1);
    waiting.set(1, first);
    held.start('r', Uint8Array.of(1, 0, 0, 0, 0, 0), first.pending);
    held.add('r', Uint8Array.of(2));
    expect(refused).toEqual([{ message: first.pending.message }]);
    waiting.delete(1);
    first.settle();
    await held.settled();
    expect(applied).toEqual([1]);
  });

  it('a room left drops what it held and releases the actions waiting; other rooms go on', async () => {
    const { held, applied, waiting } = setup();
    const first = claim(1);
    const second = claim(2);
    waiting.set(1, first);
    waiting.set(2, second);
    held.start('left', Uint8Array.of(1), first.pending);
    held.start('stays', Uint8Array.of(2), second.pending);
    const both = held.settled()!;
    held.drop('left');
    expect(held.holds('left')).toBe(false);
    waiting.clear();
    first.settle();
    second.settle();
    await both;
    expect(applied).toEqual([2]);
  });
});
