/**
 * The kit's per-process caches (open.ts, handoff.ts) are insertion-ordered Maps with a size bound: `putBounded`
 * sets `key` as the newest entry and, beyond `max` entries, drops the oldest. No timers, no eviction scans.
 */
export function putBounded<V>(cache: Map<string, V>, key: string, value: V, max: number): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > max) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
}
