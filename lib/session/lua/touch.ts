/**
 * Touches a live session: refreshes "last active", the idle expiry (never past the absolute one) and the TTLs.
 *
 * Returns the new expiresAt (ms) when touched, 0 when not due or the session is gone or revoked: a touch never
 * recreates a session revoked since its validation.
 * Key locking: declared; it touches only its KEYS (the session key and the index).
 * Seam: the interval and both idle timeouts come from config.ts.
 */
import type { UserKeys } from "../keys";
import type { LuaScript } from "../store";
import { KEY_LOCKING, SESSIONS } from "./prelude";

export type TouchInput = {
  keys: UserKeys;
  hash: string;
  now: number;
  idleMs: number;
  rememberIdleMs: number;
  touchIntervalMs: number;
};

/** The new expiresAt when touched, 0 when not. */
export const TOUCH: LuaScript<TouchInput, number> = {
  lua: `${KEY_LOCKING}${SESSIONS}
local key             = KEYS[1]
local idx             = KEYS[2]
local now             = tonumber(ARGV[1])
local idleMs          = tonumber(ARGV[2])
local rememberIdleMs  = tonumber(ARGV[3])
local touchIntervalMs = tonumber(ARGV[4])
local rec = live(key, now)
if rec == nil then return 0 end
if now - rec.lastActiveAt < touchIntervalMs then return 0 end
local idle = idleMs
if rec.remember == true then idle = rememberIdleMs end
local expiresAt = math.min(now + idle, rec.absoluteExpiresAt)
rec.lastActiveAt = now
rec.expiresAt = expiresAt
redis.call('SET', key, encode(rec), 'PX', ms(expiresAt - now))
if redis.call('PTTL', idx) < expiresAt - now then redis.call('PEXPIRE', idx, ms(expiresAt - now)) end
return expiresAt
`,
  keys: (input) => [input.keys.session(input.hash), input.keys.index],
  args: (input) => [
    String(input.now),
    String(input.idleMs),
    String(input.rememberIdleMs),
    String(input.touchIntervalMs),
  ],
  decode: (reply) => {
    const expiresAt = Number(reply);
    return expiresAt > 0 ? expiresAt : 0;
  },
};
