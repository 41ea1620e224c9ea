// The event loop's turns, counted (each turn queues the next with setImmediate)
// until the test finishes: which turn something happened in.
import { onTestFinished } from 'vitest';

/** Starts counting; the returned function reads the count. */
export function countTurns(): () => number {
  let turn = 0;
  let counting = true;
  const tick = () => {
    turn++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  onTestFinished(() => {
    counting = false;
  });
  return () => turn;
}
