/**
 * Session metrics from Redis alone: active sessions, creation rate, average duration of ended sessions, failed
 * sign-ins, concurrent sessions per user — plus their Prometheus text rendering.
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
 * Cost: the metric keys are in another cluster slot than the user's keys, so they are never touched from a
 * per-user script. A validation records nothing; create, revoke and logout add one script call that the kit hands
 * to `defer` (Next: `after()`); a touch (already off the hot path, at most once per touch interval) adds one.
 * Seam: `recordMetrics` is best effort — a metrics failure never fails a sign-in.
 */
import type { Store } from "./store";
import { metricsKeys, type MetricsKeys } from "./keys";

/** One change to record. `user` is the user id (encoded by this module). */
export type MetricEvent =
  | { type: "created"; hash: string; user: string; createdAt: number; expiresAt: number; live: number }
  | { type: "touched"; hash: string; expiresAt: number }
  | { type: "ended"; hash: string; reason: EndReason }
  | { type: "user_live"; user: string; live: number }
  | { type: "failed_sign_in" };

export type EndReason = "logout" | "revoked" | "evicted" | "password_changed" | "expired";
export const END_REASONS: readonly EndReason[] = [
  "logout",
  "revoked",
  "evicted",
  "password_changed",
  "expired",
];

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

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const MINUTE_TTL_SECONDS = 25 * 3600;
const HOUR_TTL_SECONDS = 8 * 24 * 3600;
const SWEEP_BATCH = 500;

/** Sweep of expired sessions; shared by the record and read scripts. KEYS[1..6] = live, born, users, totals, minute, hour. */
const METRICS_PRELUDE = `
local live, born, users, totals, minute, hour = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local now, minuteTtl, hourTtl, keepTtl = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]

local function count(field, by)
  redis.call('HINCRBY', minute, field, string.format('%.0f', by))
  redis.call('HINCRBY', hour, field, string.format('%.0f', by))
end

local function setUser(user, n)
  if n > 0 then redis.call('ZADD', users, n, user) else redis.call('ZREM', users, user) end
end

-- Ends a session in the metrics once: only the caller that removes it from live counts it.
local function ended(hash, reason, at)
  if redis.call('ZREM', live, hash) == 0 then return nil end
  local info = redis.call('HGET', born, hash)
  redis.call('HDEL', born, hash)
  local createdAt, user = nil, nil
  if info then createdAt, user = string.match(info, '^(%d+):(.*)$') end
  local duration = 0
  if createdAt then duration = math.max(0, at - tonumber(createdAt)) end
  count('ended', 1)
  count('ended_ms', duration)
  redis.call('HINCRBY', totals, 'ended_' .. reason, 1)
  redis.call('HINCRBY', totals, 'ended_ms', string.format('%.0f', duration))
  return user
end

local function sweep()
  local expired = redis.call('ZRANGEBYSCORE', live, '-inf', now, 'WITHSCORES', 'LIMIT', 0, ${SWEEP_BATCH})
  for i = 1, #expired, 2 do
    local user = ended(expired[i], 'expired', tonumber(expired[i + 1]))
    if user then
      local left = redis.call('ZINCRBY', users, -1, user)
      if tonumber(left) <= 0 then redis.call('ZREM', users, user) end
    end
  end
end

local function keep()
  redis.call('EXPIRE', minute, minuteTtl)
  redis.call('EXPIRE', hour, hourTtl)
  for _, k in ipairs({live, born, users, totals}) do
    if redis.call('EXISTS', k) == 1 then redis.call('EXPIRE', k, keepTtl) end
  end
end
`;

/**
 * KEYS: [live, born, users, totals, minute, hour]
 * ARGV: [now, minuteTtl, hourTtl, keepTtl, ...events]; each event is space-separated:
 *   "c hash U createdAt expiresAt live" | "t hash expiresAt" | "e hash reason" | "u U live" | "f"
 */
export const RECORD_METRICS_SCRIPT = `${METRICS_PRELUDE}
sweep()
for i = 5, #ARGV do
  local f = {}
  for part in string.gmatch(ARGV[i], '%S+') do f[#f + 1] = part end
  local op = f[1]
  if op == 'c' then
    redis.call('ZADD', live, f[5], f[2])
    redis.call('HSET', born, f[2], f[4] .. ':' .. f[3])
    setUser(f[3], tonumber(f[6]))
    count('created', 1)
    redis.call('HINCRBY', totals, 'created', 1)
  elseif op == 't' then
    redis.call('ZADD', live, 'XX', f[3], f[2])
  elseif op == 'e' then
    ended(f[2], f[3], now)
  elseif op == 'u' then
    setUser(f[2], tonumber(f[3]))
  elseif op == 'f' then
    count('failed', 1)
    redis.call('HINCRBY', totals, 'failed', 1)
  end
end
keep()
return 1
`;

/**
 * KEYS: [live, born, users, totals, minute, hour, ...bucket keys]
 * ARGV: [now, minuteTtl, hourTtl, keepTtl]
 * Sweeps, then returns newline-separated sections (no cjson): totals "k=v ...", live count, "n=users ..." and the
 * max, then one "k=v ..." line per bucket key.
 */
export const READ_METRICS_SCRIPT = `${METRICS_PRELUDE}
sweep()
local function pairsOf(key)
  local flat, out = redis.call('HGETALL', key), {}
  for i = 1, #flat, 2 do out[#out + 1] = flat[i] .. '=' .. flat[i + 1] end
  return table.concat(out, ' ')
end
local lines = { pairsOf(totals), tostring(redis.call('ZCARD', live)) }
local top = redis.call('ZREVRANGE', users, 0, 0, 'WITHSCORES')
local max = 0
if #top == 2 then max = tonumber(top[2]) end
local dist = {}
for n = 1, math.min(max, 1000) do
  local c = redis.call('ZCOUNT', users, n, n)
  if c > 0 then dist[#dist + 1] = n .. '=' .. c end
end
lines[#lines + 1] = table.concat(dist, ' ')
lines[#lines + 1] = tostring(max)
for i = 7, #KEYS do lines[#lines + 1] = pairsOf(KEYS[i]) end
return table.concat(lines, '\\n')
`;

export type MetricsRecorder = {
  record(events: MetricEvent[]): Promise<void>;
  read(): Promise<{ ok: true; metrics: MetricsSnapshot } | { ok: false; reason: "unavailable" }>;
};

function encodeEvent(event: MetricEvent): string {
  switch (event.type) {
    case "created":
      return `c ${event.hash} ${encodeURIComponent(event.user)} ${event.createdAt} ${event.expiresAt} ${event.live}`;
    case "touched":
      return `t ${event.hash} ${event.expiresAt}`;
    case "ended":
      return `e ${event.hash} ${event.reason}`;
    case "user_live":
      return `u ${encodeURIComponent(event.user)} ${event.live}`;
    case "failed_sign_in":
      return "f";
  }
}

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

function parsePairs(line: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of (line ?? "").split(" ")) {
    const at = item.indexOf("=");
    if (at > 0) out.set(item.slice(0, at), Number(item.slice(at + 1)));
  }
  return out;
}

function bucket(start: number, line: string | undefined): BucketCounts {
  const pairs = parsePairs(line);
  return {
    start,
    created: pairs.get("created") ?? 0,
    ended: pairs.get("ended") ?? 0,
    endedDurationMs: pairs.get("ended_ms") ?? 0,
    failedSignIns: pairs.get("failed") ?? 0,
  };
}

/**
 * @param keepSeconds TTL of the live/born/users/totals keys, refreshed on every write; make it longer than the
 *   longest absolute session lifetime.
 */
export function createMetricsRecorder(
  store: Store,
  keyPrefix: string,
  now: () => number,
  keepSeconds: number,
): MetricsRecorder {
  const keys: MetricsKeys = metricsKeys(keyPrefix);
  const baseKeys = (at: number): string[] => [
    keys.live,
    keys.born,
    keys.users,
    keys.totals,
    keys.minute(Math.floor(at / MINUTE_MS)),
    keys.hour(Math.floor(at / HOUR_MS)),
  ];
  const baseArgs = (at: number): string[] => [
    String(at),
    String(MINUTE_TTL_SECONDS),
    String(HOUR_TTL_SECONDS),
    String(Math.ceil(keepSeconds)),
  ];

  return {
    async record(events) {
      if (events.length === 0) return;
      const at = now();
      try {
        await store
          .script(RECORD_METRICS_SCRIPT)
          .exec(baseKeys(at), [...baseArgs(at), ...events.map(encodeEvent)]);
      } catch (error) {
        // Best effort: losing a data point never fails the operation that produced it.
        console.error(`session: metrics not recorded (${error instanceof Error ? error.name : "error"})`);
      }
    },

    async read() {
      const at = now();
      const minute = Math.floor(at / MINUTE_MS);
      const hour = Math.floor(at / HOUR_MS);
      const minutes = Array.from({ length: 60 }, (_, i) => minute - 59 + i);
      const hours = Array.from({ length: 24 }, (_, i) => hour - 23 + i);
      let raw: unknown;
      try {
        raw = await store
          .script(READ_METRICS_SCRIPT)
          .exec([...baseKeys(at), ...minutes.map(keys.minute), ...hours.map(keys.hour)], baseArgs(at));
      } catch {
        return { ok: false, reason: "unavailable" };
      }
      if (typeof raw !== "string") return { ok: false, reason: "unavailable" };
      const lines = raw.split("\n");
      const totals = parsePairs(lines[0]);
      const endedTotal = Object.fromEntries(
        END_REASONS.map((reason) => [reason, totals.get(`ended_${reason}`) ?? 0]),
      ) as Record<EndReason, number>;
      const usersBySessions: Record<number, number> = {};
      for (const [n, users] of parsePairs(lines[2])) usersBySessions[Number(n)] = users;
      return {
        ok: true,
        metrics: {
          at,
          activeSessions: Number(lines[1] ?? 0),
          createdTotal: totals.get("created") ?? 0,
          failedSignInsTotal: totals.get("failed") ?? 0,
          endedTotal,
          endedDurationMsTotal: totals.get("ended_ms") ?? 0,
          usersBySessions,
          maxSessionsPerUser: Number(lines[3] ?? 0),
          lastHour: minutes.map((m, i) => bucket(m * MINUTE_MS, lines[4 + i])),
          lastDay: hours.map((h, i) => bucket(h * HOUR_MS, lines[64 + i])),
        },
      };
    },
  };
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
