// Provider lanes in the queue: a provider's own limit (A1111 runs one job at a
// time) holds its jobs back without holding up other providers' jobs.
import { describe, expect, it } from 'vitest';
import { JobQueue, type Lane } from '../../server/generation/job-queue.ts';
import { waitFor } from '../helpers/server.ts';

describe('JobQueue lanes', () => {
  it('runs at most `limit` jobs of a lane at once; a job of another lane overtakes the waiting ones', async () => {
    const queue = new JobQueue({ concurrency: 3, queueLimit: 10, roomQueueLimit: 10 }, () => undefined);
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const add = (id: string, lane: Lane) => {
      queue.reserve(id, `room-${id}`);
      queue.enqueue(
        id,
        () => {
          started.push(id);
          return new Promise<void>((resolve) => finish.set(id, resolve));
        },
        lane,
      );
    };
    const a1111 = { name: 'a1111', limit: 1 };
    const comfy = { name: 'comfyui', limit: 2 };
    add('a1', a1111);
    add('a2', a1111);
    add('c1', comfy);
    add('a3', a1111);
    add('c2', comfy);
    await waitFor(() => started.length === 3);
    expect(started).toEqual(['a1', 'c1', 'c2']);
    expect([queue.runningIn('a1111'), queue.runningIn('comfyui'), queue.waiting]).toEqual([1, 2, 2]);

    finish.get('c1')!();
    // A free node slot is not for a lane at its limit: a job of another lane, queued after, takes it.
    add('c3', comfy);
    await waitFor(() => started.length === 4);
    expect(started).toEqual(['a1', 'c1', 'c2', 'c3']);
    finish.get('a1')!();
    await waitFor(() => started.length === 5);
    expect(started.at(-1)).toBe('a2');
    expect(queue.cancel('a3', new Error('stop'))).toBe('waiting');
    for (const id of ['a2', 'c2', 'c3']) finish.get(id)!();
    await waitFor(() => queue.running === 0 && queue.waiting === 0);
    expect(started).toEqual(['a1', 'c1', 'c2', 'c3', 'a2']);
  });
});
