/**
 * Cleanup (cleanup.ts): repairs one session key — a TTL for a record or marker without one, deletion of a dead or
 * unreadable value, and a live record missing from its index put back (so the cap and the devices page see it).
 *
 * Returns 0 nothing to do, 2 marker TTL set, 3 dead or unreadable value deleted, else a live record's bits:
 * 1 its TTL was set, 4 it was put back into its index (5 = both).
 * Key locking: declared; it touches only its KEYS (the session key and the index).
 * Seam: one script over the session key and its user's index (one slot), so it never runs inside a sign-in.
 */
import type { LuaScript } from "../store";
import { KEY_LOCKING, RECORD } from "./prelude";

export type FixSessionInput = {
  /** `P{U}:s:<hash>`. */
  key: string;
  /** `P{U}:idx`. */
  index: string;
  hash: string;
  now: number;
  markerMs: number;
};

/** The code described above. */
export const FIX_SESSION: LuaScript<FixSessionInput, number> = {
  lua: `${KEY_LOCKING}${RECORD}
local key      = KEYS[1]
local idx      = KEYS[2]
local hash     = ARGV[1]
local now      = tonumber(ARGV[2])
local markerMs = tonumber(ARGV[3])
local raw = redis.call('GET', key)
if not raw then return 0 end
local pttl = redis.call('PTTL', key)
if string.sub(raw, 1, 1) == '!' then
  if pttl == -1 then redis.call('PEXPIRE', key, ms(markerMs)) return 2 end
  return 0
end
local rec = decode(raw)
if not rec or rec.expiresAt <= now or rec.absoluteExpiresAt <= now then
  if pttl == -1 or not rec then redis.call('DEL', key) redis.call('ZREM', idx, hash) return 3 end
  return 0
end
local left = math.min(rec.expiresAt, rec.absoluteExpiresAt) - now
local fixed = 0
if pttl == -1 then redis.call('PEXPIRE', key, ms(left)) fixed = 1 end
if not redis.call('ZSCORE', idx, hash) then
  local createdAt = string.match(raw, '"createdAt":(%d+)') or ms(now)
  redis.call('ZADD', idx, createdAt, hash)
  if redis.call('PTTL', idx) < left then redis.call('PEXPIRE', idx, ms(left)) end
  fixed = fixed + 4
end
return fixed
`,
  keys: (input) => [input.key, input.index],
  args: (input) => [input.hash, String(input.now), String(input.markerMs)],
  decode: (reply) => Number(reply),
};
