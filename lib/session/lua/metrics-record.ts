/**
 * Records metric events: sweeps expired sessions, then applies each event, then refreshes the TTLs.
 *
 * KEYS: [live, born, users, totals, minute, hour]  ARGV: [now, minuteTtl, hourTtl, keepTtl, ...events], each event
 * space-separated: "c hash U createdAt expiresAt live" | "t hash expiresAt" | "e hash reason" | "u U live" | "f"
 * (U = the encoded user id). Returns 1.
 * Key locking: declared; it touches only its six KEYS (events name sessions by hash, as hash fields and members).
 * Seam: `encodeEvent` is the one writer of that event format.
 */
import type { MetricEvent } from "../metrics";
import type { LuaScript } from "../store";
import { KEY_LOCKING } from "./prelude";
import { METRICS, metricsArgs, metricsKeysAt, type MetricsInput } from "./metrics-prelude";

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

export const RECORD_METRICS: LuaScript<MetricsInput & { events: MetricEvent[] }, void> = {
  lua: `${KEY_LOCKING}${METRICS}
local firstEvent = 5 -- ARGV[5..]: the events
sweep()
for i = firstEvent, #ARGV do
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
`,
  keys: metricsKeysAt,
  args: (input) => [...metricsArgs(input), ...input.events.map(encodeEvent)],
  decode: () => undefined,
};
