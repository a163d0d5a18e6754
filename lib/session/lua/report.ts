/**
 * "This wasn't me": redeems a report link once, then revokes the session it names (as revoke-one does).
 *
 * Returns {-1, '', 0} when the link was used before, else {revoked 1|0, ended, live}. `SET NX` on the used-nonce
 * key makes the link single-use; that key lives as long as the link would have.
 * Key locking: not declared: the session to revoke is found through the index, its key derived from `sp`.
 * Seam: the link itself is signed and checked in notify.ts.
 */
import type { UserKeys } from "../keys";
import type { LuaScript } from "../store";
import { decodeEndedReply, SESSIONS, type EndedReply } from "./prelude";

export type ReportInput = {
  keys: UserKeys;
  nonce: string;
  publicId: string;
  now: number;
  markerMs: number;
  usedTtlMs: number;
  /** `activityArgs`: [max, ttlMs], or [] when the log is off. */
  activity: string[];
};

/** `count` is -1 when the link was used before. */
export const REPORT: LuaScript<ReportInput, EndedReply> = {
  lua: `${SESSIONS}
local idx       = KEYS[1]
local usedKey   = KEYS[2]
local sp        = ARGV[1]
local publicId  = ARGV[2]
local at        = ARGV[3]
local now       = tonumber(ARGV[3])
local markerMs  = tonumber(ARGV[4])
local usedTtlMs = ARGV[5]
local logMax    = ARGV[6]
local logTtlMs  = ARGV[7]
if not redis.call('SET', usedKey, '1', 'NX', 'PX', usedTtlMs) then return {-1, '', 0} end
openLog(sp, at, logMax, logTtlMs)
local revoked, left = revokeWhere(idx, sp, now, markerMs, 'revoked', function(m) return m.rec.id == publicId end)
closeLog()
return {revoked, table.concat(ENDED, ' '), left}
`,
  keys: (input) => [input.keys.index, input.keys.report(input.nonce)],
  args: (input) => [
    input.keys.sessionPrefix,
    input.publicId,
    String(input.now),
    String(input.markerMs),
    String(input.usedTtlMs),
    ...input.activity,
  ],
  decode: decodeEndedReply,
};
