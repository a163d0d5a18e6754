/**
 * Lua helpers the scripts share (prepended to their text), and the decoder of the reply they share.
 *
 * What: `RECORD` reads and writes a session record's text header — the one place the header pattern is written
 * (record.ts holds the TS encoder and parser of the same format); `SESSIONS` adds what the per-user scripts share:
 * liveness, index pruning and TTL, revocation markers, the activity log, and the list of sessions a script ended.
 * Why scripts: Redis runs a script without interleaving any other command, so 200 concurrent sign-ins with a cap
 * of 3 leave exactly 3 live, indexed sessions, and a touch can never resurrect a session revoked in between.
 * Slots: a script's KEYS declare the index and every session key known up front; session keys read from the index
 * are derived from the `P{U}:s:` prefix (an ARGV) and share the user's hash tag, so every key a per-user script
 * touches lives in one cluster slot (keys.ts). Time is the caller's `now` (never Redis TIME), so tests control
 * it and a record's own timestamps decide liveness even before Redis expires the key. No KEYS or SCAN command:
 * a user's sessions are found through the index only.
 * Key locking: Upstash runs a script under a global lock unless its first line is `KEY_LOCKING` below, and then
 * lets it touch only its KEYS. A script that reads session keys named by the index (derived here, from `sp`)
 * must not declare it; each script's header says which it is (tests/integration/session-script-keys.test.ts runs
 * every script and checks each declaring one touches nothing but its KEYS).
 * Seam: scripts run through `runScript` (store.ts): EVALSHA, EVAL on NOSCRIPT.
 */
import { endedEvents, type MetricEvent } from "../metrics";

/**
 * The shebang that lets Upstash lock only a script's KEYS instead of running it under a global lock (so sessions
 * do not serialize each other). First line of a script that touches nothing but its KEYS; Redis 7 itself knows
 * the shebang but not this flag (the local REST server strips it, scripts/upstash-rest/script-flags.ts).
 */
export const KEY_LOCKING = "#!lua flags=allow-key-locking\n";

/** Lua: the record header (see record.ts) and whole milliseconds as text. */
export const RECORD = `
-- A record's header "<expiresAt>:<absoluteExpiresAt>:<lastActiveAt>:<remember 0|1>:<publicId>:<body>" as a
-- table; nil for nil, a marker ("!<reason>") and anything else.
local function decode(v)
  if not v then return nil end
  local e, a, l, r, id, body = string.match(v, '^(%d+):(%d+):(%d+):([01]):([%w_%-]+):(.*)$')
  if not e then return nil end
  return {
    expiresAt = tonumber(e), absoluteExpiresAt = tonumber(a), lastActiveAt = tonumber(l),
    remember = r == '1', id = id, body = body
  }
end

-- Whole milliseconds as text. '%.0f', not '%d' or tostring: exact for 13-digit times on Lua 5.1 (Redis) and 5.3.
local function ms(n)
  return string.format('%.0f', n)
end

local function encode(rec)
  return ms(rec.expiresAt) .. ':' .. ms(rec.absoluteExpiresAt) .. ':' .. ms(rec.lastActiveAt) .. ':' ..
    (rec.remember and '1' or '0') .. ':' .. rec.id .. ':' .. rec.body
end
`;

/** Lua: everything the per-user session scripts share (includes RECORD). */
export const SESSIONS = `${RECORD}
-- Sessions this script ended, as "<hash>:<reason>" (reported to the caller for metrics).
local ENDED = {}

-- Security activity log (activity.ts): a capped list P{U}:log, newest first, entries "<at>|<type>|<fp>|<json>".
-- Off unless the caller passes a positive max; the key is derived from the session prefix (same hash tag).
local LOG = nil
local function openLog(sp, at, maxArg, ttlArg)
  local max = tonumber(maxArg or '0') or 0
  if max <= 0 then return end
  LOG = { key = string.sub(sp, 1, -3) .. 'log', at = at, max = max, ttl = ttlArg }
end
local function logEvent(kind, fp, body)
  if not LOG then return end
  redis.call('LPUSH', LOG.key, LOG.at .. '|' .. kind .. '|' .. (fp or '') .. '|' .. (body or '{}'))
end
local function closeLog()
  if not LOG then return end
  redis.call('LTRIM', LOG.key, 0, LOG.max - 1)
  redis.call('PEXPIRE', LOG.key, LOG.ttl)
end

-- The live record at key, or nil. A record past its own expiry (by the caller's clock) or unreadable is deleted.
local function live(key, now)
  local raw = redis.call('GET', key)
  if not raw then return nil end
  local rec = decode(raw)
  if rec == nil then
    if string.sub(raw, 1, 1) ~= '!' then redis.call('DEL', key) end
    return nil
  end
  if rec.expiresAt <= now or rec.absoluteExpiresAt <= now then
    redis.call('DEL', key)
    return nil
  end
  return rec, raw
end

-- Live members of the index, oldest first; dead members are removed from it.
local function prune(idx, sp, now)
  local alive = {}
  for _, h in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
    local rec, raw = live(sp .. h, now)
    if rec then
      alive[#alive + 1] = { h = h, rec = rec, raw = raw }
    else
      redis.call('ZREM', idx, h)
    end
  end
  return alive
end

-- The index lives exactly as long as its longest-lived member.
local function expireIndex(idx, sp, members)
  local maxTtl = 0
  for _, m in ipairs(members) do
    local ttl = redis.call('PTTL', sp .. m.h)
    if ttl > maxTtl then maxTtl = ttl end
  end
  if maxTtl > 0 then redis.call('PEXPIRE', idx, maxTtl) else redis.call('DEL', idx) end
end

-- Replace a session with a "why you were signed out" marker, never outliving the session's absolute lifetime.
local function mark(idx, sp, m, reason, now, markerMs)
  local ttl = math.min(m.rec.absoluteExpiresAt - now, markerMs)
  if ttl >= 1 then
    redis.call('SET', sp .. m.h, '!' .. reason, 'PX', ms(ttl))
  else
    redis.call('DEL', sp .. m.h)
  end
  redis.call('ZREM', idx, m.h)
  ENDED[#ENDED + 1] = m.h .. ':' .. reason
  logEvent(reason, '', m.rec.body)
end

-- Marks every live session for which revoke(m) holds (reason); the index keeps the rest, and their lifetime.
-- Returns how many were revoked and how many are left.
local function revokeWhere(idx, sp, now, markerMs, reason, revoke)
  local revoked, kept = 0, {}
  for _, m in ipairs(prune(idx, sp, now)) do
    if revoke(m) then
      mark(idx, sp, m, reason, now, markerMs)
      revoked = revoked + 1
    else
      kept[#kept + 1] = m
    end
  end
  expireIndex(idx, sp, kept)
  return revoked, #kept
end
`;

/** What the revoking scripts return: {count, ended "<hash>:<reason> ...", the user's live sessions left}. */
export type EndedReply = { count: number; ended: MetricEvent[]; live: number };

export function decodeEndedReply(reply: unknown): EndedReply {
  const [count, ended, live] = Array.isArray(reply) ? (reply as unknown[]) : [];
  return { count: Number(count), ended: endedEvents(ended), live: Number(live) || 0 };
}

/** A script's newline-joined reply as lines ("" and non-strings are no lines). */
export function splitLines(value: unknown): string[] {
  return typeof value === "string" && value !== "" ? value.split("\n") : [];
}
