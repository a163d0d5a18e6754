/**
 * What the two metrics scripts share: their first KEYS and ARGV, the sweep of expired sessions, and the counters.
 *
 * KEYS[1..6]: live, born, users, totals, this minute's bucket, this hour's bucket (metrics.ts has the data model).
 * ARGV[1..4]: now, minute-bucket TTL, hour-bucket TTL, TTL of the other keys (seconds).
 * Sessions that simply expire are found by a bounded sweep of `live` (score <= now), so an expiry is counted at
 * its exact expiresAt without any event from Redis. All keys share the `{#metrics}` hash tag: one slot.
 * Seam: SWEEP_BATCH bounds the work one call does for expiries.
 */
import type { MetricsKeys } from "../keys";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const MINUTE_TTL_SECONDS = 25 * 3600;
const HOUR_TTL_SECONDS = 8 * 24 * 3600;
const SWEEP_BATCH = 500;

export type MetricsInput = {
  keys: MetricsKeys;
  /** Epoch ms: picks the buckets, and the sweep's "now". */
  at: number;
  /** TTL of the live/born/users/totals keys, refreshed on every write (longer than any session's life). */
  keepSeconds: number;
};

/** KEYS[1..6]. */
export function metricsKeysAt(input: MetricsInput): string[] {
  const { keys, at } = input;
  return [
    keys.live,
    keys.born,
    keys.users,
    keys.totals,
    keys.minute(Math.floor(at / MINUTE_MS)),
    keys.hour(Math.floor(at / HOUR_MS)),
  ];
}

/** ARGV[1..4]. */
export function metricsArgs(input: MetricsInput): string[] {
  return [
    String(input.at),
    String(MINUTE_TTL_SECONDS),
    String(HOUR_TTL_SECONDS),
    String(Math.ceil(input.keepSeconds)),
  ];
}

/** Lua: the named KEYS[1..6] and ARGV[1..4], and the helpers over them. */
export const METRICS = `
local live      = KEYS[1]
local born      = KEYS[2]
local users     = KEYS[3]
local totals    = KEYS[4]
local minute    = KEYS[5]
local hour      = KEYS[6]
local now       = tonumber(ARGV[1])
local minuteTtl = ARGV[2]
local hourTtl   = ARGV[3]
local keepTtl   = ARGV[4]

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
