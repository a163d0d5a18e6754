/**
 * Reads the metrics snapshot: sweeps expired sessions first, so the numbers are current.
 *
 * KEYS: [live, born, users, totals, minute, hour, ...the last 60 minute and 24 hour buckets, oldest first]
 * ARGV: [now, minuteTtl, hourTtl, keepTtl]
 * Returns newline-separated sections (no cjson): totals "k=v ...", the live count, "n=users ..." and the max, then
 * one "k=v ..." line per bucket key.
 * Key locking: declared; it touches only its KEYS (every bucket it reads is one).
 * Seam: the snapshot's shape is metrics.ts `MetricsSnapshot`.
 */
import { END_REASONS, type BucketCounts, type EndReason, type MetricsSnapshot } from "../metrics";
import type { LuaScript } from "../store";
import { KEY_LOCKING } from "./prelude";
import {
  HOUR_MS,
  METRICS,
  metricsArgs,
  metricsKeysAt,
  MINUTE_MS,
  type MetricsInput,
} from "./metrics-prelude";

/** The minute and hour numbers of the buckets read at `at`, oldest first. */
function bucketsAt(at: number): { minutes: number[]; hours: number[] } {
  const minute = Math.floor(at / MINUTE_MS);
  const hour = Math.floor(at / HOUR_MS);
  return {
    minutes: Array.from({ length: 60 }, (_, i) => minute - 59 + i),
    hours: Array.from({ length: 24 }, (_, i) => hour - 23 + i),
  };
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

/** The snapshot, or null for a reply that is not the script's. */
export const READ_METRICS: LuaScript<MetricsInput, MetricsSnapshot | null> = {
  lua: `${KEY_LOCKING}${METRICS}
local firstBucket = 7 -- KEYS[7..]: the bucket hashes
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
for i = firstBucket, #KEYS do lines[#lines + 1] = pairsOf(KEYS[i]) end
return table.concat(lines, '\\n')
`,
  keys: (input) => {
    const { minutes, hours } = bucketsAt(input.at);
    return [...metricsKeysAt(input), ...minutes.map(input.keys.minute), ...hours.map(input.keys.hour)];
  },
  args: metricsArgs,
  decode: (reply, input) => {
    if (typeof reply !== "string") return null;
    const { at } = input;
    const { minutes, hours } = bucketsAt(at);
    const lines = reply.split("\n");
    const totals = parsePairs(lines[0]);
    const endedTotal = Object.fromEntries(
      END_REASONS.map((reason) => [reason, totals.get(`ended_${reason}`) ?? 0]),
    ) as Record<EndReason, number>;
    const usersBySessions: Record<number, number> = {};
    for (const [n, users] of parsePairs(lines[2])) usersBySessions[Number(n)] = users;
    return {
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
    };
  },
};
