/** Small statistics helpers for the bench: percentiles over sorted samples, formatting. */

export type Summary = { count: number; p50: number; p99: number; mean: number };

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, mean: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), mean };
}

/** Milliseconds with 3 significant decimals. */
export function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : "n/a";
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : "n/a";
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
