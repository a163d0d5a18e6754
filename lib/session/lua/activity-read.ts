/**
 * Reads a user's newest security activity entries.
 *
 * KEYS: [log]  ARGV: [count]. Returns the entries, newest first, newline-joined (entries never contain a newline).
 * Key locking: declared; it reads only its one KEY.
 * Seam: entries are decoded by activity.ts; unreadable ones are skipped.
 */
import { decodeActivityLines, type ActivityEntry } from "../activity";
import type { LuaScript } from "../store";
import { activityCount } from "./listing";
import { KEY_LOCKING, splitLines } from "./prelude";

export type ReadActivityInput = {
  /** `P{U}:log` (keys.ts). */
  log: string;
  limit: number;
};

export const READ_ACTIVITY: LuaScript<ReadActivityInput, ActivityEntry[]> = {
  lua: `${KEY_LOCKING}
local logKey = KEYS[1]
local count  = tonumber(ARGV[1])
return table.concat(redis.call('LRANGE', logKey, 0, count - 1), '\\n')
`,
  keys: (input) => [input.log],
  args: (input) => [String(activityCount(input.limit))],
  decode: (reply) => decodeActivityLines(splitLines(reply)),
};
