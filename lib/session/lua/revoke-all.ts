/**
 * Revokes every session of a user under `reason`; with `raiseCredentials` it also raises the credential version.
 *
 * Returns {revoked, ended, 0}: how many sessions were revoked. Raising the version here means a credential change
 * that creates no session (a reset) still refuses every sign-in that read the old password (see create.ts).
 * Key locking: not declared: it marks the session keys the index names (derived from `sp`).
 * Seam: the credential key is keys.ts `credentials`.
 */
import type { UserKeys } from "../keys";
import type { UserRevocationReason } from "../reasons";
import type { LuaScript } from "../store";
import { decodeEndedReply, SESSIONS, type EndedReply } from "./prelude";

export type RevokeAllInput = {
  keys: UserKeys;
  reason: UserRevocationReason;
  /** reasons.ts `raisesCredentialVersion(reason)`. */
  raiseCredentials: boolean;
  now: number;
  markerMs: number;
  /** `activityArgs`: [max, ttlMs], or [] when the log is off. */
  activity: string[];
};

export const REVOKE_ALL: LuaScript<RevokeAllInput, EndedReply> = {
  lua: `${SESSIONS}
local idx      = KEYS[1]
local credKey  = KEYS[2]
local sp       = ARGV[1]
local reason   = ARGV[2]
local at       = ARGV[3]
local now      = tonumber(ARGV[3])
local markerMs = tonumber(ARGV[4])
local raise    = ARGV[5] == '1'
local logMax   = ARGV[6]
local logTtlMs = ARGV[7]
if raise then redis.call('INCR', credKey) end
openLog(sp, at, logMax, logTtlMs)
-- Nothing is kept, so revokeWhere deletes the index.
local revoked = revokeWhere(idx, sp, now, markerMs, reason, function() return true end)
closeLog()
return {revoked, table.concat(ENDED, ' '), 0}
`,
  keys: (input) => [input.keys.index, input.keys.credentials],
  args: (input) => [
    input.keys.sessionPrefix,
    input.reason,
    String(input.now),
    String(input.markerMs),
    input.raiseCredentials ? "1" : "0",
    ...input.activity,
  ],
  decode: decodeEndedReply,
};
