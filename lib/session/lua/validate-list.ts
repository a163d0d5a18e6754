/**
 * A validation and the user's listing in one round trip (middleware on the devices page).
 *
 * Returns {'0'} when the cookie's key is absent, {'1', value} when it holds anything but a live record (a marker,
 * an expired or unreadable record: the kit judges it exactly as a GET's reply), and {'2', record, records,
 * activity} for a live record: the list is read only then, so a signed-out cookie learns nothing. Read-only on
 * the cookie's own key.
 * Key locking: not declared: the listing reads the session keys the index names (derived from `sp`).
 * Seam: the kit's `judge` (validate.ts) decides the validation from `value`, as for a GET.
 */
import type { UserKeys } from "../keys";
import type { LuaScript } from "../store";
import type { SessionListing } from "../types";
import { LISTING, toListing, wantedActivity } from "./listing";
import { SESSIONS } from "./prelude";

export type ValidateListInput = {
  userId: string;
  keys: UserKeys;
  /** Token hash of the cookie's session. */
  hash: string;
  now: number;
  activityLimit?: number;
};

/** `value` is what a GET of the session key would have returned (null when absent). */
export type ValidateListReply =
  | { state: "absent"; value: null }
  | { state: "ended"; value: unknown }
  | { state: "live"; value: unknown; listing: SessionListing }
  | { state: "unexpected" };

export const VALIDATE_LIST: LuaScript<ValidateListInput, ValidateListReply> = {
  lua: `${SESSIONS}${LISTING}
local key    = KEYS[1]
local idx    = KEYS[2]
local logKey = KEYS[3]
local sp     = ARGV[1]
local now    = tonumber(ARGV[2])
local count  = tonumber(ARGV[3])
local value = redis.call('GET', key)
if not value then return {'0'} end
local rec = decode(value)
if not rec or rec.expiresAt <= now or rec.absoluteExpiresAt <= now then return {'1', value} end
local records, activity = listing(idx, sp, now, logKey, count)
return {'2', value, records, activity}
`,
  keys: (input) => [input.keys.session(input.hash), input.keys.index, input.keys.log],
  args: (input) => [input.keys.sessionPrefix, String(input.now), wantedActivity(input.activityLimit)],
  decode: (reply, input) => {
    const [state, value, records, log] = Array.isArray(reply) ? (reply as unknown[]) : [];
    const kind = String(state);
    if (kind === "0") return { state: "absent", value: null };
    if (kind === "1") return { state: "ended", value };
    if (kind !== "2") return { state: "unexpected" };
    const listing = toListing(records, log, input.userId, input.activityLimit !== undefined);
    return { state: "live", value, listing };
  },
};
