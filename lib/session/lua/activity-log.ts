/**
 * Appends one security activity entry written by the caller (a failed sign-in: no session script runs).
 *
 * KEYS: [log]  ARGV: [entry, max, ttlMs]. Returns 1. The entry format is activity.ts's.
 * Key locking: declared; it touches only its one KEY.
 * Seam: the cap and retention come from the kit's `activity` option (`activityArgs`).
 */
import type { LuaScript } from "../store";
import { KEY_LOCKING } from "./prelude";

export type LogActivityInput = {
  /** `P{U}:log` (keys.ts). */
  log: string;
  entry: string;
  /** `activityArgs`: [max, ttlMs]. */
  activity: string[];
};

export const LOG_ACTIVITY: LuaScript<LogActivityInput, void> = {
  lua: `${KEY_LOCKING}
local logKey   = KEYS[1]
local entry    = ARGV[1]
local max      = tonumber(ARGV[2])
local logTtlMs = ARGV[3]
redis.call('LPUSH', logKey, entry)
redis.call('LTRIM', logKey, 0, max - 1)
redis.call('PEXPIRE', logKey, logTtlMs)
return 1
`,
  keys: (input) => [input.log],
  args: (input) => [input.entry, ...input.activity],
  decode: () => undefined,
};
