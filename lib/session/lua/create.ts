/**
 * Creates a session: cap, eviction, revocation markers, rotation of the browser's previous session, the
 * credential-version check and the activity log entry, in one atomic step.
 *
 * Returns {1, evicted, ended, live, newDevice, credentialVersion}, {0, 0, '', live} when policy "reject-new"
 * refuses, or {-1, 0, '', 0, 0, currentVersion} when an expected credential version is given and is no longer the
 * user's (a credential change landed while this sign-in was checking the password: nothing is written).
 * `ended` is the space-joined "<hash>:<reason>" of the sessions it ended, `live` the user's live sessions
 * afterwards. revokeOthers (a credential change, with the reason its sessions are marked with) raises the credential version in the same step, so every
 * sign-in that read the old version is refused from then on. `newDevice` is 1 when the log holds earlier sign-ins
 * and the caller did not vouch for the browser (knownDevice, e.g. from a signed device cookie): a user agent can be
 * copied, so its family is only shown, never trusted.
 * Key locking: not declared: it prunes the index, reading and marking the session keys it names (derived from `sp`).
 * Seam: the cap and its policy come from config.ts (`maxSessionsPerUser`, `capPolicy`).
 */
import type { UserKeys } from "../keys";
import { endedEvents, type MetricEvent } from "../metrics";
import type { OtherSessionsReason } from "../reasons";
import type { LuaScript } from "../store";
import { SESSIONS } from "./prelude";

export type CreateInput = {
  keys: UserKeys;
  /** Token hash of the new session. */
  hash: string;
  /** The new session's record (record.ts `encodeSession`). */
  record: string;
  ttlMs: number;
  now: number;
  cap: number;
  policy: "evict-oldest" | "reject-new";
  /** The reason every other session is marked with (a credential change), or "" to keep them. */
  revokeOthers: OtherSessionsReason | "";
  markerMs: number;
  /** Token hash of the browser's previous session of this user, or "". */
  replaceHash: string;
  /** The credential version the sign-in read before checking the password, or "" (no check). */
  credentialVersion: string;
  knownDevice: boolean;
  /** `activityArgs`: [max, ttlMs], or [] when the log is off. */
  activity: string[];
  /** Device fingerprint for the log entry (only with the log on). */
  fingerprint?: string;
};

export type CreateReply =
  | {
      status: "created";
      evicted: number;
      ended: MetricEvent[];
      live: number;
      newDevice: boolean;
      credentialVersion: string;
    }
  | { status: "limit_reached" }
  | { status: "stale_credentials" }
  | { status: "unexpected" };

export const CREATE: LuaScript<CreateInput, CreateReply> = {
  lua: `${SESSIONS}
local idx             = KEYS[1]
local newKey          = KEYS[2]
local credKey         = KEYS[3]
-- KEYS[4], with a replaceHash only: the replaced session's key (sp .. replaceHash), declared for its slot.
local sp              = ARGV[1]
local newHash         = ARGV[2]
local record          = ARGV[3]
local ttlMs           = ARGV[4]
local at              = ARGV[5]
local now             = tonumber(ARGV[5])
local cap             = tonumber(ARGV[6])
local policy          = ARGV[7]
local othersReason    = ARGV[8]
local revokeOthers    = othersReason ~= ''
local markerMs        = tonumber(ARGV[9])
local replaceHash     = ARGV[10]
local expectedVersion = ARGV[11]
local knownDevice     = ARGV[12] == '1'
local logMax          = ARGV[13]
local logTtlMs        = ARGV[14]
local fp              = ARGV[15] or ''
-- Checked first, before anything is written: the password this sign-in verified is no longer the user's.
local version = redis.call('GET', credKey) or '0'
if expectedVersion ~= '' and expectedVersion ~= version then
  return {-1, 0, '', 0, 0, version}
end
-- The record's JSON part, copied verbatim into the log entry.
local body = (decode(record) or {}).body
openLog(sp, at, logMax, logTtlMs)
local others = {}
for _, m in ipairs(prune(idx, sp, now)) do
  if m.h ~= replaceHash and m.h ~= newHash then others[#others + 1] = m end
end
local evict = 0
if not revokeOthers and #others >= cap then
  if policy == 'reject-new' then
    logEvent('sign_in_refused', fp, body)
    closeLog()
    return {0, 0, '', #others}
  end
  evict = #others - cap + 1
end
if replaceHash ~= '' then
  if redis.call('ZREM', idx, replaceHash) == 1 then ENDED[#ENDED + 1] = replaceHash .. ':logout' end
  redis.call('DEL', sp .. replaceHash)
end
local kept = {}
for i, m in ipairs(others) do
  if revokeOthers then
    mark(idx, sp, m, othersReason, now, markerMs)
  elseif i <= evict then
    mark(idx, sp, m, 'evicted', now, markerMs)
  else
    kept[#kept + 1] = m
  end
end
redis.call('SET', newKey, record, 'PX', ttlMs)
redis.call('ZADD', idx, at, newHash)
kept[#kept + 1] = { h = newHash }
expireIndex(idx, sp, kept)
if revokeOthers then version = tostring(redis.call('INCR', credKey)) end
local newDevice = 0
if LOG then
  -- New device: earlier sign-ins are in the log and the caller did not vouch for this browser (a first sign-in is
  -- not new). The fingerprint is stored for display only.
  local seen = false
  for _, e in ipairs(redis.call('LRANGE', LOG.key, 0, -1)) do
    local kind = string.match(e, '^%d+|([%w_]+)|')
    if kind == 'sign_in' or kind == 'sign_in_new_device' or kind == 'password_change' then
      seen = true
      break
    end
  end
  if seen and not knownDevice then newDevice = 1 end
  if revokeOthers then
    logEvent('password_change', fp, body)
  elseif newDevice == 1 then
    logEvent('sign_in_new_device', fp, body)
  else
    logEvent('sign_in', fp, body)
  end
  closeLog()
end
return {1, evict, table.concat(ENDED, ' '), #kept, newDevice, version}
`,
  keys: (input) => {
    const { keys } = input;
    const list = [keys.index, keys.session(input.hash), keys.credentials];
    if (input.replaceHash !== "") list.push(keys.session(input.replaceHash));
    return list;
  },
  args: (input) => [
    input.keys.sessionPrefix,
    input.hash,
    input.record,
    String(input.ttlMs),
    String(input.now),
    String(input.cap),
    input.policy,
    input.revokeOthers,
    String(input.markerMs),
    input.replaceHash,
    input.credentialVersion,
    input.knownDevice ? "1" : "0",
    ...input.activity,
    ...(input.fingerprint === undefined ? [] : [input.fingerprint]),
  ],
  decode: (reply) => {
    const tail = Array.isArray(reply) ? (reply as unknown[]) : [];
    const status = Number(tail[0]);
    if (status === -1) return { status: "stale_credentials" };
    if (status === 0) return { status: "limit_reached" };
    if (status !== 1) return { status: "unexpected" };
    return {
      status: "created",
      evicted: Number(tail[1] ?? 0),
      ended: endedEvents(tail[2]),
      live: Number(tail[3]) || 1,
      newDevice: Number(tail[4]) === 1,
      credentialVersion: String(tail[5] ?? "0"),
    };
  },
};
