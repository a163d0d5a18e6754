/**
 * Revokes every session of a user but the current one ("sign out everywhere else"), reason "revoked".
 *
 * Returns {revoked, ended, live}: how many other sessions were revoked.
 * Key locking: not declared: it marks the session keys the index names (derived from `sp`).
 * Seam: the caller proves the current session by its cookie (the kit opens it first).
 */
import type { UserKeys } from "../keys";
import type { LuaScript } from "../store";
import { decodeEndedReply, SESSIONS, type EndedReply } from "./prelude";

export type RevokeOthersInput = {
  keys: UserKeys;
  /** Token hash of the session to keep. */
  hash: string;
  now: number;
  markerMs: number;
  /** `activityArgs`: [max, ttlMs], or [] when the log is off. */
  activity: string[];
};

export const REVOKE_OTHERS: LuaScript<RevokeOthersInput, EndedReply> = {
  lua: `${SESSIONS}
local idx         = KEYS[1]
-- KEYS[2]: the current session's key (sp .. currentHash), kept; declared for its slot.
local sp          = ARGV[1]
local currentHash = ARGV[2]
local at          = ARGV[3]
local now         = tonumber(ARGV[3])
local markerMs    = tonumber(ARGV[4])
local logMax      = ARGV[5]
local logTtlMs    = ARGV[6]
openLog(sp, at, logMax, logTtlMs)
local revoked, left = revokeWhere(idx, sp, now, markerMs, 'revoked', function(m) return m.h ~= currentHash end)
closeLog()
return {revoked, table.concat(ENDED, ' '), left}
`,
  keys: (input) => [input.keys.index, input.keys.session(input.hash)],
  args: (input) => [
    input.keys.sessionPrefix,
    input.hash,
    String(input.now),
    String(input.markerMs),
    ...input.activity,
  ],
  decode: decodeEndedReply,
};
