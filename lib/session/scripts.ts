/**
 * Lua scripts: every multi-key change is one atomic script.
 *
 * What: create (+ index + cap + eviction + markers + rotation), touch, revoke-one, revoke-others, revoke-all,
 * logout, list. Redis runs a script without interleaving any other command, so 200 concurrent sign-ins with a cap
 * of 3 leave exactly 3 live, indexed sessions, and a touch can never resurrect a session revoked in between.
 * Data model: see keys.ts. KEYS[] declares the index and every session key known up front; session keys read from
 * the index are derived from ARGV[1] (the `P{U}:s:` prefix) and share the user's hash tag, so every key a script
 * touches lives in one cluster slot. Time is ARGV `now` from the caller's clock (never Redis TIME), so tests
 * control it and a record's own timestamps decide liveness even before Redis expires the key.
 * No KEYS/SCAN anywhere: a user's sessions are found through the index only.
 * Seam: scripts run through `@upstash/redis` `createScript` (EVALSHA, EVAL on NOSCRIPT); see store.ts.
 */

/** Helpers shared by the scripts (prepended to each). */
const PRELUDE = `
-- Sessions this script ended, as "<hash>:<reason>" (reported to the caller for metrics).
local ENDED = {}

-- Security activity log (activity.ts): a capped list P{U}:log, newest first, entries "<at>|<type>|<fp>|<json>".
-- Off unless the caller passes a positive max; the key is derived from the session prefix (same hash tag).
local LOG = nil
local function openLog(sp, at, maxArg, ttlArg)
  local max = tonumber(maxArg or '0') or 0
  if max <= 0 then return end
  LOG = { key = string.sub(sp, 1, -3) .. 'log', at = at, max = max, ttl = ttlArg }
end
local function logEvent(kind, fp, body)
  if not LOG then return end
  redis.call('LPUSH', LOG.key, LOG.at .. '|' .. kind .. '|' .. (fp or '') .. '|' .. (body or '{}'))
end
local function closeLog()
  if not LOG then return end
  redis.call('LTRIM', LOG.key, 0, LOG.max - 1)
  redis.call('PEXPIRE', LOG.key, LOG.ttl)
end

-- Parses the record header (see record.ts); nil for markers and anything else.
local function decode(v)
  if not v then return nil end
  local e, a, l, r, id, body = string.match(v, '^(%d+):(%d+):(%d+):([01]):([%w_%-]+):(.*)$')
  if not e then return nil end
  return {
    expiresAt = tonumber(e), absoluteExpiresAt = tonumber(a), lastActiveAt = tonumber(l),
    remember = r == '1', id = id, body = body
  }
end

-- Whole milliseconds as text. '%.0f', not '%d' or tostring: exact for 13-digit times on Lua 5.1 (Redis) and 5.3.
local function ms(n)
  return string.format('%.0f', n)
end

local function encode(rec)
  return ms(rec.expiresAt) .. ':' .. ms(rec.absoluteExpiresAt) .. ':' .. ms(rec.lastActiveAt) .. ':' ..
    (rec.remember and '1' or '0') .. ':' .. rec.id .. ':' .. rec.body
end

-- The live record at key, or nil. A record past its own expiry (by the caller's clock) or unreadable is deleted.
local function live(key, now)
  local raw = redis.call('GET', key)
  if not raw then return nil end
  local rec = decode(raw)
  if rec == nil then
    if string.sub(raw, 1, 1) ~= '!' then redis.call('DEL', key) end
    return nil
  end
  if rec.expiresAt <= now or rec.absoluteExpiresAt <= now then
    redis.call('DEL', key)
    return nil
  end
  return rec, raw
end

-- Live members of the index, oldest first; dead members are removed from it.
local function prune(idx, sp, now)
  local alive = {}
  for _, h in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
    local rec, raw = live(sp .. h, now)
    if rec then
      alive[#alive + 1] = { h = h, rec = rec, raw = raw }
    else
      redis.call('ZREM', idx, h)
    end
  end
  return alive
end

-- The index lives exactly as long as its longest-lived member.
local function expireIndex(idx, sp, members)
  local maxTtl = 0
  for _, m in ipairs(members) do
    local ttl = redis.call('PTTL', sp .. m.h)
    if ttl > maxTtl then maxTtl = ttl end
  end
  if maxTtl > 0 then redis.call('PEXPIRE', idx, maxTtl) else redis.call('DEL', idx) end
end

-- Replace a session with a "why you were signed out" marker, never outliving the session's absolute lifetime.
local function mark(idx, sp, m, reason, now, markerMs)
  local ttl = math.min(m.rec.absoluteExpiresAt - now, markerMs)
  if ttl >= 1 then
    redis.call('SET', sp .. m.h, '!' .. reason, 'PX', ms(ttl))
  else
    redis.call('DEL', sp .. m.h)
  end
  redis.call('ZREM', idx, m.h)
  ENDED[#ENDED + 1] = m.h .. ':' .. reason
  logEvent(reason, '', m.rec.body)
end

-- Marks every live session for which revoke(m) holds (reason); the index keeps the rest, and their lifetime.
-- Returns how many were revoked and how many are left.
local function revokeWhere(idx, sp, now, markerMs, reason, revoke)
  local revoked, kept = 0, {}
  for _, m in ipairs(prune(idx, sp, now)) do
    if revoke(m) then
      mark(idx, sp, m, reason, now, markerMs)
      revoked = revoked + 1
    else
      kept[#kept + 1] = m
    end
  end
  expireIndex(idx, sp, kept)
  return revoked, #kept
end
`;

/**
 * KEYS: [index, new session key, credentials key, (replaced session key)]
 * ARGV: [sessionPrefix, newHash, recordJson, ttlMs, now, cap, policy, revokeOthers "1"|"0", markerMs, replaceHash|"",
 *        expectedCredentialVersion|"", knownDevice "1"|"0", (logMax, logTtlMs, device fingerprint)]
 * Returns {1, evicted, ended, live, newDevice, credentialVersion}, {0, 0, '', live} when policy "reject-new"
 * refuses, or {-1, 0, '', 0, 0, currentVersion} when an expected credential version is given and is no longer the
 * user's (a credential change landed while this sign-in was checking the password: nothing is written).
 * `ended` is the space-joined "<hash>:<reason>" of the sessions it ended, `live` the user's live sessions
 * afterwards. revokeOthers (a credential change) raises the credential version in the same step, so every
 * sign-in that read the old version is refused from then on. `newDevice` is 1 when the log holds earlier sign-ins
 * and the caller did not vouch for the browser (knownDevice, e.g. from a signed device cookie): a user agent can be
 * copied, so its family is only shown, never trusted.
 */
export const CREATE_SCRIPT = `${PRELUDE}
local idx, sp, newHash, credKey = KEYS[1], ARGV[1], ARGV[2], KEYS[3]
local now, cap, markerMs = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[9])
local revokeOthers, replaceHash = ARGV[8] == '1', ARGV[10]
local expectedVersion, knownDevice, fp = ARGV[11], ARGV[12] == '1', ARGV[15] or ''
-- Checked first, before anything is written: the password this sign-in verified is no longer the user's.
local version = redis.call('GET', credKey) or '0'
if expectedVersion ~= '' and expectedVersion ~= version then
  return {-1, 0, '', 0, 0, version}
end
openLog(sp, ARGV[5], ARGV[13], ARGV[14])
local others = {}
for _, m in ipairs(prune(idx, sp, now)) do
  if m.h ~= replaceHash and m.h ~= newHash then others[#others + 1] = m end
end
local evict = 0
if not revokeOthers and #others >= cap then
  if ARGV[7] == 'reject-new' then
    logEvent('sign_in_refused', fp, string.match(ARGV[3], '^%d+:%d+:%d+:[01]:[%w_%-]+:(.*)$'))
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
    mark(idx, sp, m, 'password_changed', now, markerMs)
  elseif i <= evict then
    mark(idx, sp, m, 'evicted', now, markerMs)
  else
    kept[#kept + 1] = m
  end
end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('ZADD', idx, ARGV[5], newHash)
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
  local body = string.match(ARGV[3], '^%d+:%d+:%d+:[01]:[%w_%-]+:(.*)$')
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
`;

/**
 * KEYS: [session key, index]
 * ARGV: [now, idleMs, rememberIdleMs, touchIntervalMs]
 * Returns the new expiresAt (ms) when touched, 0 when not due or the session is gone/revoked (never recreates it).
 */
export const TOUCH_SCRIPT = `${PRELUDE}
local now = tonumber(ARGV[1])
local rec = live(KEYS[1], now)
if rec == nil then return 0 end
if now - rec.lastActiveAt < tonumber(ARGV[4]) then return 0 end
local idle = tonumber(ARGV[2])
if rec.remember == true then idle = tonumber(ARGV[3]) end
local expiresAt = math.min(now + idle, rec.absoluteExpiresAt)
rec.lastActiveAt = now
rec.expiresAt = expiresAt
redis.call('SET', KEYS[1], encode(rec), 'PX', ms(expiresAt - now))
if redis.call('PTTL', KEYS[2]) < expiresAt - now then redis.call('PEXPIRE', KEYS[2], ms(expiresAt - now)) end
return expiresAt
`;

/**
 * KEYS: [index]
 * ARGV: [sessionPrefix, publicId, reason, now, markerMs, (logMax, logTtlMs)]
 * Returns {revoked 1|0, ended, live}: revoked is 1 when a session of this user had that public id. Only this
 * user's index is searched.
 */
export const REVOKE_ONE_SCRIPT = `${PRELUDE}
local idx, sp, now, markerMs = KEYS[1], ARGV[1], tonumber(ARGV[4]), tonumber(ARGV[5])
openLog(sp, ARGV[4], ARGV[6], ARGV[7])
local revoked, left = revokeWhere(idx, sp, now, markerMs, ARGV[3], function(m) return m.rec.id == ARGV[2] end)
closeLog()
return {revoked, table.concat(ENDED, ' '), left}
`;

/**
 * "This wasn't me": single-use redemption of a report link, then revoke-one.
 * KEYS: [index, used-nonce key]
 * ARGV: [sessionPrefix, publicId, now, markerMs, usedTtlMs, (logMax, logTtlMs)]
 * Returns {-1, '', 0} when the link was used before, else {revoked 1|0, ended, live}.
 */
export const REPORT_SCRIPT = `${PRELUDE}
local idx, sp, now, markerMs = KEYS[1], ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[5]) then return {-1, '', 0} end
openLog(sp, ARGV[3], ARGV[6], ARGV[7])
local revoked, left = revokeWhere(idx, sp, now, markerMs, 'revoked', function(m) return m.rec.id == ARGV[2] end)
closeLog()
return {revoked, table.concat(ENDED, ' '), left}
`;

/**
 * KEYS: [index, current session key]
 * ARGV: [sessionPrefix, currentHash, now, markerMs, (logMax, logTtlMs)]
 * Returns {revoked, ended, live}: how many other sessions were revoked (reason "revoked").
 */
export const REVOKE_OTHERS_SCRIPT = `${PRELUDE}
local idx, sp, now, markerMs = KEYS[1], ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
openLog(sp, ARGV[3], ARGV[5], ARGV[6])
local revoked, left = revokeWhere(idx, sp, now, markerMs, 'revoked', function(m) return m.h ~= ARGV[2] end)
closeLog()
return {revoked, table.concat(ENDED, ' '), left}
`;

/**
 * KEYS: [index, credentials key]
 * ARGV: [sessionPrefix, reason, now, markerMs, (logMax, logTtlMs)]
 * Returns {revoked, ended, 0}: how many sessions were revoked. Reason "password_changed" also raises the credential
 * version, so a credential change that creates no session here (a reset) still refuses every sign-in that read
 * the old password.
 */
export const REVOKE_ALL_SCRIPT = `${PRELUDE}
local idx, sp, now, markerMs = KEYS[1], ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
if ARGV[2] == 'password_changed' then redis.call('INCR', KEYS[2]) end
openLog(sp, ARGV[3], ARGV[5], ARGV[6])
-- Nothing is kept, so revokeWhere deletes the index.
local revoked = revokeWhere(idx, sp, now, markerMs, ARGV[2], function() return true end)
closeLog()
return {revoked, table.concat(ENDED, ' '), 0}
`;

/**
 * Sign out this device: no marker (the user asked for it).
 * KEYS: [index, session key]
 * ARGV: [sessionPrefix, hash, now, (logMax, logTtlMs)]
 * Returns {1, ended, live}.
 */
export const LOGOUT_SCRIPT = `${PRELUDE}
local idx, sp = KEYS[1], ARGV[1]
openLog(sp, ARGV[3], ARGV[4], ARGV[5])
local rec = live(KEYS[2], tonumber(ARGV[3]))
if rec then logEvent('sign_out', '', rec.body) end
redis.call('DEL', KEYS[2])
if redis.call('ZREM', idx, ARGV[2]) == 1 then ENDED[#ENDED + 1] = ARGV[2] .. ':logout' end
closeLog()
local alive = prune(idx, sp, tonumber(ARGV[3]))
expireIndex(idx, sp, alive)
return {1, table.concat(ENDED, ' '), #alive}
`;

/** Lua: the user's live records and newest activity, newline-joined (shared by the two list scripts). */
const LISTING = `
local function listing(idx, sp, now, logKey, count)
  local alive = prune(idx, sp, now)
  expireIndex(idx, sp, alive)
  local out = {}
  for _, m in ipairs(alive) do out[#out + 1] = m.raw end
  -- Newline-joined strings (records and log entries never contain a newline): some in-memory test engines
  -- cannot return a table built in a loop.
  local activity = ''
  if logKey and count > 0 then
    activity = table.concat(redis.call('LRANGE', logKey, 0, count - 1), '\\n')
  end
  return table.concat(out, '\\n'), activity
end
`;

/**
 * KEYS: [index, (activity log)]
 * ARGV: [sessionPrefix, now, (activity entries wanted)]
 * Returns {live session records, newest activity entries}, each newline-joined (pruning the index on the way),
 * so the devices page reads both in one round trip.
 */
export const LIST_SCRIPT = `${PRELUDE}${LISTING}
local records, activity = listing(KEYS[1], ARGV[1], tonumber(ARGV[2]), KEYS[2], tonumber(ARGV[3] or '0'))
return {records, activity}
`;

/**
 * KEYS: [session key of the cookie, index, activity log]
 * ARGV: [sessionPrefix, now, activity entries wanted]
 * A validation and the list in one round trip (middleware on the devices page). Returns {'0'} when the key is
 * absent, {'1', value} when it holds anything but a live record (a marker, an expired or unreadable record; the
 * caller judges it exactly as a GET's reply), and {'2', record, records, activity} for a live record: the list is
 * read only then, so a signed-out cookie learns nothing. Read-only on the cookie's own key.
 */
export const VALIDATE_LIST_SCRIPT = `${PRELUDE}${LISTING}
local now = tonumber(ARGV[2])
local value = redis.call('GET', KEYS[1])
if not value then return {'0'} end
local rec = decode(value)
if not rec or rec.expiresAt <= now or rec.absoluteExpiresAt <= now then return {'1', value} end
local records, activity = listing(KEYS[2], ARGV[1], now, KEYS[3], tonumber(ARGV[3]))
return {'2', value, records, activity}
`;
