/**
 * Metrics bookkeeping: records the kit's metric events and reads the snapshot back (metrics.ts has the model).
 *
 * What: `bookkeep` hands the events of a verb to `recordMetrics` after the response (the kit's `defer`), when
 * metrics are on; `recordMetrics` runs lua/metrics-record.ts, best effort (a lost data point never fails the
 * operation that produced it); `readMetrics` runs lua/metrics-read.ts. The metric keys have their own slot
 * (`{#metrics}`), so these are separate calls from the per-user scripts whose outcomes they count.
 * Seam: `MetricsTarget` is all recording and reading need: a store, a clock, the key names, their lifetime.
 */
import { later, type SessionContext } from "./context";
import type { MetricsKeys } from "./keys";
import { RECORD_METRICS } from "./lua/metrics-record";
import { READ_METRICS } from "./lua/metrics-read";
import type { EndedReply } from "./lua/prelude";
import type { MetricEvent, MetricsSnapshot } from "./metrics";
import { execScript, UNAVAILABLE, type Store } from "./store";
import type { Unavailable } from "./types";

export type MetricsTarget = {
  store: Store;
  now: () => number;
  metricsKeys: MetricsKeys;
  /** TTL of the live/born/users/totals keys: longer than the longest absolute session lifetime. */
  metricsKeepSeconds: number;
};

export async function recordMetrics(target: MetricsTarget, events: MetricEvent[]): Promise<void> {
  if (events.length === 0) return;
  const input = {
    keys: target.metricsKeys,
    at: target.now(),
    keepSeconds: target.metricsKeepSeconds,
    events,
  };
  try {
    await execScript(target.store, RECORD_METRICS, input);
  } catch (error) {
    // Best effort: losing a data point never fails the operation that produced it.
    console.error(`session: metrics not recorded (${error instanceof Error ? error.name : "error"})`);
  }
}

export async function readMetrics(
  target: MetricsTarget,
): Promise<{ ok: true; metrics: MetricsSnapshot } | Unavailable> {
  const input = { keys: target.metricsKeys, at: target.now(), keepSeconds: target.metricsKeepSeconds };
  let metrics: MetricsSnapshot | null;
  try {
    metrics = await execScript(target.store, READ_METRICS, input);
  } catch {
    return UNAVAILABLE;
  }
  return metrics === null ? UNAVAILABLE : { ok: true, metrics };
}

/** Records a verb's metric events in a separate call (another cluster slot), after the response when possible. */
export async function bookkeep(ctx: SessionContext, events: MetricEvent[]): Promise<void> {
  if (!ctx.metricsOn || events.length === 0) return;
  await later(ctx, () => recordMetrics(ctx, events));
}

/** The metric events of a revoking script's reply: the sessions it ended and the user's live count. */
export function endings(userId: string, reply: EndedReply): MetricEvent[] {
  return [...reply.ended, { type: "user_live", user: userId, live: reply.live }];
}
