/**
 * Records a password confirmation (step-up) on a live session: sets `reauthAt` in its record, atomically.
 *
 * Returns the new record text when it was live, else whatever the key holds (a revocation marker, or nil): the
 * caller judges that reply as it judges a GET (validate.ts), so a revoked or expired session is never recreated
 * and the device is told why. `reauthAt` leads the record's JSON (record.ts): one anchored match replaces it, or
 * inserts it into a record written before the field existed. The TTL is unchanged (min(idle, absolute) left).
 * Key locking: touches only KEYS[1], so it declares allow-key-locking (prelude.ts `KEY_LOCKING`).
 * Seam: the clock is the caller's `now`, like every other script.
 */
import type { UserKeys } from "../keys";
import type { LuaScript } from "../store";
import { KEY_LOCKING, SESSIONS } from "./prelude";

export type ReauthInput = { keys: UserKeys; hash: string; now: number };

export const REAUTH: LuaScript<ReauthInput, unknown> = {
  lua: `${KEY_LOCKING}${SESSIONS}
local key = KEYS[1]
local now = tonumber(ARGV[1])
local rec = live(key, now)
if rec == nil then return redis.call('GET', key) end
local rest = string.match(rec.body, '^{"reauthAt":%d+,(.*)$') or string.match(rec.body, '^{(.*)$')
if rest == nil then return false end
rec.body = '{"reauthAt":' .. ms(now) .. ',' .. rest
local value = encode(rec)
redis.call('SET', key, value, 'PX', ms(rec.expiresAt - now))
return value
`,
  keys: (input) => [input.keys.session(input.hash)],
  args: (input) => [String(input.now)],
  decode: (reply) => reply,
};
