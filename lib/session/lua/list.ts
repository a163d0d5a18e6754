/**
 * Lists a user's live sessions and, when asked, their newest activity, in one round trip (the devices page).
 *
 * Returns {live session records, newest activity entries}, each newline-joined, pruning the index on the way.
 * Key locking: not declared: it reads the session keys the index names (derived from `sp`).
 * Seam: decoding is listing.ts `toListing`.
 */
import type { UserKeys } from "../keys";
import type { LuaScript } from "../store";
import type { SessionListing } from "../types";
import { LISTING, toListing, wantedActivity } from "./listing";
import { SESSIONS } from "./prelude";

export type ListInput = {
  userId: string;
  keys: UserKeys;
  now: number;
  activityLimit?: number;
};

export const LIST: LuaScript<ListInput, SessionListing> = {
  lua: `${SESSIONS}${LISTING}
local idx    = KEYS[1]
local logKey = KEYS[2]
local sp     = ARGV[1]
local now    = tonumber(ARGV[2])
local count  = tonumber(ARGV[3] or '0')
local records, activity = listing(idx, sp, now, logKey, count)
return {records, activity}
`,
  keys: (input) => [input.keys.index, input.keys.log],
  args: (input) => [input.keys.sessionPrefix, String(input.now), wantedActivity(input.activityLimit)],
  decode: (reply, input) => {
    const [records, log] = Array.isArray(reply) ? (reply as unknown[]) : [];
    return toListing(records, log, input.userId, input.activityLimit !== undefined);
  },
};
