// Runs work in an idle moment, or after `timeoutMs` at the latest, where the
// browser has requestIdleCallback (Safari and test DOMs may not: a timer then).
export function whenIdle(work: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(work, { timeout: timeoutMs });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(work, Math.min(timeoutMs, 50));
  return () => clearTimeout(timer);
}
