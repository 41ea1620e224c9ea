// The queue alone: order, limits, cancellation and stop, with runs the test
// finishes by hand.
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../server/generation/job-queue.ts';
import { PromptBlocklist } from '../../server/generation/prompt-safety.ts';
import { AppError } from '../../server/errors.ts';
import { waitFor } from '../helpers/server.ts';

function harness(limits = { concurrency: 2, queueLimit: 10, roomQueueLimit: 10 }) {
  const crashes: string[] = [];
  const queue = new JobQueue(limits, (id) => crashes.push(id));
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const signals = new Map<string, AbortSignal>();
  const add = (id: string, roomId = 'r') => {
    queue.reserve(id, roomId);
    return queue.enqueue(id, (signal) => {
      started.push(id);
      signals.set(id, signal);
      return new Promise<void>((resolve) => {
        finish.set(id, resolve);
        signal.addEventListener('abort', () => resolve());
      });
    });
  };
  return { queue, started, finish, signals, add, crashes };
}

const code = (fn: () => void) => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
};

describe('JobQueue', () => {
  it('runs jobs first in, first out, never more than `concurrency` at once', async () => {
    const { queue, started, finish, add } = harness();
    for (const id of ['a', 'b', 'c', 'd']) add(id);
    expect(started).toEqual([]);
    await waitFor(() => started.length === 2);
    expect(started).toEqual(['a', 'b']);
    expect([queue.running, queue.waiting]).toEqual([2, 2]);
    finish.get('b')!();
    await waitFor(() => started.length === 3);
    expect(started).toEqual(['a', 'b', 'c']);
    finish.get('a')!();
    finish.get('c')!();
    await waitFor(() => started.length === 4 && queue.running === 1);
    finish.get('d')!();
    await waitFor(() => queue.running === 0 && queue.active('r') === 0);
  });

  it('counts reservations against the room and node limits, and releases them', () => {
    const { queue } = harness({ concurrency: 1, queueLimit: 2, roomQueueLimit: 2 });
    queue.reserve('a', 'r1');
    queue.reserve('b', 'r1');
    expect(code(() => queue.reserve('c', 'r1'))).toBe('rate_limited');
    expect(code(() => queue.reserve('c', 'r2'))).toBe('unavailable');
    queue.release('b');
    expect(code(() => queue.reserve('c', 'r2'))).toBeNull();
    expect([queue.active('r1'), queue.active('r2')]).toEqual([1, 1]);
  });

  it('cancels a waiting job before it starts and aborts a running one', async () => {
    const { queue, started, signals, add } = harness({ concurrency: 1, queueLimit: 5, roomQueueLimit: 5 });
    add('a');
    add('b');
    await waitFor(() => started.length === 1);
    expect(queue.cancel('b', 'why')).toBe('waiting');
    expect(queue.cancel('a', 'because')).toBe('running');
    expect(signals.get('a')!.reason).toBe('because');
    expect(queue.cancel('zzz', 'x')).toBeNull();
    await waitFor(() => queue.running === 0);
    expect(started).toEqual(['a']);
    expect(queue.active('r')).toBe(0);
  });

  it('stops: drops the waiting, aborts the running, refuses new work', async () => {
    const { queue, started, signals, add } = harness({ concurrency: 1, queueLimit: 5, roomQueueLimit: 5 });
    add('a');
    add('b');
    await waitFor(() => started.length === 1);
    queue.reserve('c', 'r');
    const { dropped, settled } = queue.stop('shutdown');
    expect(dropped).toEqual(['b']);
    await settled;
    expect(signals.get('a')!.reason).toBe('shutdown');
    expect(queue.enqueue('c', async () => undefined)).toBe(false);
    expect(code(() => queue.reserve('d', 'r'))).toBe('unavailable');
    expect(started).toEqual(['a']);
  });

  it('reports a run that rejects instead of hiding it', async () => {
    const crashes: string[] = [];
    const queue = new JobQueue({ concurrency: 1, queueLimit: 1, roomQueueLimit: 1 }, (id) => crashes.push(id));
    queue.reserve('a', 'r');
    queue.enqueue('a', async () => {
      throw new Error('bug');
    });
    await waitFor(() => crashes.length === 1);
    expect(queue.active('r')).toBe(0);
  });
});

describe('PromptBlocklist', () => {
  it('matches whole words and phrases, whatever the case, width or punctuation', () => {
    const list = new PromptBlocklist(['Gore', 'bad  thing', ' ', 'ｎｉｎｊａ']);
    expect(list.find('so much GORE!')).toBe('gore');
    expect(list.find('gorecore')).toBeNull();
    expect(list.find('a bad-thing here')).toBe('bad thing');
    expect(list.find('ninja turtles')).toBe('ninja');
    expect(list.find('a gentle meadow')).toBeNull();
    expect(new PromptBlocklist([]).find('anything')).toBeNull();
  });
});
