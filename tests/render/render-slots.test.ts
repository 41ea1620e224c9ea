import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { RenderSlots } from '../../server/render/render-slots.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('render slots (RENDER_CONCURRENCY, RENDER_QUEUE_LIMIT)', () => {
  it('runs at most `concurrency` at once, queues up to the limit, refuses past it with unavailable', async () => {
    const slots = new RenderSlots(1, 1);
    const first = deferred();
    const order: string[] = [];
    const a = slots.run(async () => {
      order.push('a');
      await first.promise;
      return 'a';
    });
    const b = slots.run(async () => {
      order.push('b');
      return 'b';
    });
    expect([slots.running, slots.waiting]).toEqual([1, 1]);
    const refused = await slots
      .run(async () => 'c')
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('unavailable');
    expect(order).toEqual(['a']);
    first.resolve();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(order).toEqual(['a', 'b']);
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });

  it('frees the slot when a render fails', async () => {
    const slots = new RenderSlots(2, 0);
    await expect(slots.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const both = await Promise.all([slots.run(async () => 1), slots.run(async () => 2)]);
    expect(both).toEqual([1, 2]);
    expect(slots.running).toBe(0);
  });
});
