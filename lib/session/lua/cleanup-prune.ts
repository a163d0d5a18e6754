/**
 * Cleanup (cleanup.ts): prunes one user's index of members whose session is gone, a marker, or past its own
 * timestamps, and sets the index's TTL to its longest-lived member's — the same liveness the session scripts use.
 *
 * Returns {removed index members, live members}.
 * Key locking: not declared: it reads the session keys the index names (derived from `sp`).
 * Seam: a member without a TTL still counts for its own remaining life (cleanup-fix.ts gives it that TTL).
 */
import type { LuaScript } from "../store";
import { RECORD } from "./prelude";

export type PruneIndexInput = {
  /** `P{U}:idx`. */
  index: string;
  /** `P{U}:s:`. */
  sessionPrefix: string;
  now: number;
};

/** How many index members were removed. */
export const PRUNE_INDEX: LuaScript<PruneIndexInput, number> = {
  lua: `${RECORD}
local idx = KEYS[1]
local sp  = ARGV[1]
local now = tonumber(ARGV[2])
local removed, maxTtl, live = 0, 0, 0
for _, h in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
  local rec = decode(redis.call('GET', sp .. h))
  if rec and rec.expiresAt > now and rec.absoluteExpiresAt > now then
    live = live + 1
    local ttl = redis.call('PTTL', sp .. h)
    if ttl == -1 then ttl = math.min(rec.expiresAt, rec.absoluteExpiresAt) - now end
    if ttl > maxTtl then maxTtl = ttl end
  else
    redis.call('ZREM', idx, h)
    removed = removed + 1
  end
end
if maxTtl > 0 then redis.call('PEXPIRE', idx, maxTtl) else redis.call('DEL', idx) end
return {removed, live}
`,
  keys: (input) => [input.index],
  args: (input) => [input.sessionPrefix, String(input.now)],
  decode: (reply) => {
    const [removed] = Array.isArray(reply) ? (reply as unknown[]) : [];
    return Number(removed) || 0;
  },
};
