/**
 * Revokes one session of a user by its public id, leaving a "revoked" marker for that device.
 *
 * Returns {revoked 1|0, ended, live}: revoked is 1 when a session of this user had that public id. Only this
 * user's index is searched, so another user's session is unreachable.
 * Key locking: not declared: the session to revoke is found through the index, its key derived from `sp`.
 * Seam: the marker's lifetime is config.ts `markerTtlSeconds`.
 */
import type { UserKeys } from "../keys";
import type { RevocationReason } from "../reasons";
import type { LuaScript } from "../store";
import { decodeEndedReply, SESSIONS, type EndedReply } from "./prelude";

export type RevokeOneInput = {
  keys: UserKeys;
  publicId: string;
  /** The verb passes a `SessionRevocationReason`; create.ts also "signed_out_everyone" (sweep.ts). */
  reason: RevocationReason;
  now: number;
  markerMs: number;
  /** `activityArgs`: [max, ttlMs], or [] when the log is off. */
  activity: string[];
};

export const REVOKE_ONE: LuaScript<RevokeOneInput, EndedReply> = {
  lua: `${SESSIONS}
local idx      = KEYS[1]
local sp       = ARGV[1]
local publicId = ARGV[2]
local reason   = ARGV[3]
local at       = ARGV[4]
local now      = tonumber(ARGV[4])
local markerMs = tonumber(ARGV[5])
local logMax   = ARGV[6]
local logTtlMs = ARGV[7]
openLog(sp, at, logMax, logTtlMs)
local revoked, left = revokeWhere(idx, sp, now, markerMs, reason, function(m) return m.rec.id == publicId end)
closeLog()
return {revoked, table.concat(ENDED, ' '), left}
`,
  keys: (input) => [input.keys.index],
  args: (input) => [
    input.keys.sessionPrefix,
    input.publicId,
    input.reason,
    String(input.now),
    String(input.markerMs),
    ...input.activity,
  ],
  decode: decodeEndedReply,
};
