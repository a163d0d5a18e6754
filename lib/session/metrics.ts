/**
 * Session metrics from Redis alone: active sessions, creation rate, average duration of ended sessions, failed
 * sign-ins, concurrent sessions per user — their vocabulary, and their Prometheus text rendering.
 *
 * Data model (keys.ts `metricsKeys`, all under the `{#metrics}` hash tag, so one script sees them all):
 *   live   zset  token hash → expiresAt     one member per live session (bounded by live sessions)
 *   born   hash  token hash → "createdAt:U"  when and whose (for durations and per-user counts)
 *   users  zset  U → live sessions           the per-user concurrency distribution, corrected on every change
 *   totals hash  monotonic counters          Prometheus `_total`s; TTL refreshed on write
 *   m:<minute>, h:<hour>  hashes             per-minute (TTL 25 h) and per-hour (TTL 8 days) counters for charts
 * Every key has a TTL. Sessions ended by logout, revoke, eviction or password change are reported by the session
 * scripts (they return "<hash>:<reason>"); sessions that simply expire are found by a bounded sweep of `live`
 * (score ≤ now), so an expiry is counted at its exact expiresAt without any event from Redis.
 * Scripts: lua/metrics-record.ts and lua/metrics-read.ts, run by bookkeep.ts.
 * Cost: the metric keys are in another cluster slot than the user's keys, so they are never touched from a
 * per-user script. A validation records nothing; create, revoke and logout add one script call that the kit hands
 * to `defer` (Next: `after()`); a touch (already off the hot path, at most once per touch interval) adds one.
 * Seam: `recordMetrics` (bookkeep.ts) is best effort — a metrics failure never fails a sign-in.
 */
import { METRIC_END_REASONS, type EndReason } from "./reasons";

/** One change to record. `user` is the user id (encoded by lua/metrics-record.ts). */
export type MetricEvent =
  | { type: "created"; hash: string; user: string; createdAt: number; expiresAt: number; live: number }
  | { type: "touched"; hash: string; expiresAt: number }
  | { type: "ended"; hash: string; reason: EndReason }
  | { type: "user_live"; user: string; live: number }
  | { type: "failed_sign_in" };

export type { EndReason } from "./reasons";
/** Every `reason` label `session_ended_total` carries (reasons.ts). */
export const END_REASONS: readonly EndReason[] = METRIC_END_REASONS;

/** Counters of one time bucket (a minute or an hour). */
export type BucketCounts = {
  /** Bucket start, epoch ms. */
  start: number;
  created: number;
  ended: number;
  endedDurationMs: number;
  failedSignIns: number;
};

export type MetricsSnapshot = {
  at: number;
  activeSessions: number;
  createdTotal: number;
  failedSignInsTotal: number;
  endedTotal: Record<EndReason, number>;
  /** Sum of the durations (createdAt → end) of every ended session counted in `endedTotal`. */
  endedDurationMsTotal: number;
  /** Users by number of live sessions: `usersBySessions[n]` users have exactly n. */
  usersBySessions: Record<number, number>;
  maxSessionsPerUser: number;
  /** Oldest first: the last 60 minutes and the last 24 hours, the current one included. */
  lastHour: BucketCounts[];
  lastDay: BucketCounts[];
};

/** Parses the "<hash>:<reason> ..." list a session script returns into ended events. */
export function endedEvents(list: unknown): MetricEvent[] {
  if (typeof list !== "string" || list === "") return [];
  const events: MetricEvent[] = [];
  for (const item of list.split(" ")) {
    const [hash, reason] = item.split(":");
    if (hash === undefined || hash === "" || !END_REASONS.includes(reason as EndReason)) continue;
    events.push({ type: "ended", hash, reason: reason as EndReason });
  }
  return events;
}

function line(name: string, value: number, labels?: Record<string, string>): string {
  const rendered =
    labels === undefined
      ? ""
      : `{${Object.entries(labels)
          .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`)
          .join(",")}}`;
  return `${name}${rendered} ${Number.isFinite(value) ? value : 0}`;
}

function family(name: string, type: string, help: string, samples: string[]): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples].join("\n");
}

/** Prometheus text exposition format (version 0.0.4) of a snapshot. */
export function formatPrometheus(m: MetricsSnapshot): string {
  const endedCount = END_REASONS.reduce((sum, reason) => sum + m.endedTotal[reason], 0);
  const lastHourCreated = m.lastHour.reduce((sum, b) => sum + b.created, 0);
  const bySessions = Object.entries(m.usersBySessions)
    .map(([n, users]) => [Number(n), users] as const)
    .sort((a, b) => a[0] - b[0]);
  // Cumulative histogram of users by live sessions: le="1", "2", "3", "5", "10", "+Inf".
  const bounds = [1, 2, 3, 5, 10];
  const usersTotal = bySessions.reduce((sum, [, users]) => sum + users, 0);
  const sessionsTotal = bySessions.reduce((sum, [n, users]) => sum + n * users, 0);
  const histogram = [
    ...bounds.map((le) =>
      line(
        "session_concurrent_sessions_per_user_bucket",
        bySessions.filter(([n]) => n <= le).reduce((s, [, u]) => s + u, 0),
        {
          le: String(le),
        },
      ),
    ),
    line("session_concurrent_sessions_per_user_bucket", usersTotal, { le: "+Inf" }),
    line("session_concurrent_sessions_per_user_sum", sessionsTotal),
    line("session_concurrent_sessions_per_user_count", usersTotal),
  ];
  return (
    [
      family("session_active_sessions", "gauge", "Live sessions.", [
        line("session_active_sessions", m.activeSessions),
      ]),
      family("session_created_total", "counter", "Sessions created (sign-ins).", [
        line("session_created_total", m.createdTotal),
      ]),
      family("session_created_last_hour", "gauge", "Sessions created in the last 60 minutes.", [
        line("session_created_last_hour", lastHourCreated),
      ]),
      family("session_ended_total", "counter", "Sessions ended, by reason.", [
        ...END_REASONS.map((reason) => line("session_ended_total", m.endedTotal[reason], { reason })),
      ]),
      family(
        "session_duration_seconds",
        "summary",
        "Lifetime of sessions that ended by logout, revoke, eviction, password change or expiry.",
        [
          line("session_duration_seconds_sum", m.endedDurationMsTotal / 1000),
          line("session_duration_seconds_count", endedCount),
        ],
      ),
      family("session_average_duration_seconds", "gauge", "Average lifetime of ended sessions.", [
        line(
          "session_average_duration_seconds",
          endedCount === 0 ? 0 : m.endedDurationMsTotal / 1000 / endedCount,
        ),
      ]),
      family("session_failed_sign_ins_total", "counter", "Failed sign-in attempts.", [
        line("session_failed_sign_ins_total", m.failedSignInsTotal),
      ]),
      family(
        "session_concurrent_sessions_per_user",
        "histogram",
        "Users with live sessions, by how many they have.",
        histogram,
      ),
      family("session_concurrent_sessions_per_user_max", "gauge", "Most live sessions any one user has.", [
        line("session_concurrent_sessions_per_user_max", m.maxSessionsPerUser),
      ]),
    ].join("\n") + "\n"
  );
}
