/**
 * Signs out this device: deletes its session, without a marker (the user asked for it).
 *
 * Returns {1, ended, live}.
 * Key locking: not declared: it prunes the index afterwards, reading the session keys it names (derived from `sp`).
 * Seam: the session is named by its token hash, from the cookie the kit opened.
 */
import type { UserKeys } from "../keys";
import type { LuaScript } from "../store";
import { decodeEndedReply, SESSIONS, type EndedReply } from "./prelude";

export type LogoutInput = {
  keys: UserKeys;
  hash: string;
  now: number;
  /** `activityArgs`: [max, ttlMs], or [] when the log is off. */
  activity: string[];
};

export const LOGOUT: LuaScript<LogoutInput, EndedReply> = {
  lua: `${SESSIONS}
local idx      = KEYS[1]
local key      = KEYS[2]
local sp       = ARGV[1]
local hash     = ARGV[2]
local at       = ARGV[3]
local now      = tonumber(ARGV[3])
local logMax   = ARGV[4]
local logTtlMs = ARGV[5]
openLog(sp, at, logMax, logTtlMs)
local rec = live(key, now)
if rec then logEvent('sign_out', '', rec.body) end
redis.call('DEL', key)
if redis.call('ZREM', idx, hash) == 1 then ENDED[#ENDED + 1] = hash .. ':logout' end
closeLog()
local alive = prune(idx, sp, now)
expireIndex(idx, sp, alive)
return {1, table.concat(ENDED, ' '), #alive}
`,
  keys: (input) => [input.keys.index, input.keys.session(input.hash)],
  args: (input) => [input.keys.sessionPrefix, input.hash, String(input.now), ...input.activity],
  decode: decodeEndedReply,
};
