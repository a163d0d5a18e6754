/**
 * Sets the label of every live session of a user (e.g. the account's email after it changed), in one step.
 *
 * Returns how many sessions were relabelled; dead index members are pruned on the way. The label is the record
 * JSON's last key (record.ts), so the script cuts the body at `,"label":"` (a string inside the JSON cannot
 * contain that sequence unescaped) or at its closing brace, and appends the new one, JSON-encoded by the caller.
 * TTLs are unchanged; a revoked session (a marker) is not live and is never touched.
 * Seam: the label is whatever the app passes to `createSession({ label })`.
 */
import type { UserKeys } from "../keys";
import type { LuaScript } from "../store";
import { SESSIONS } from "./prelude";

export type RelabelInput = { keys: UserKeys; now: number; label: string };

export const RELABEL: LuaScript<RelabelInput, number> = {
  lua: `${SESSIONS}
local idx       = KEYS[1]
local sp        = ARGV[1]
local now       = tonumber(ARGV[2])
local labelJson = ARGV[3]
local count = 0
for _, m in ipairs(prune(idx, sp, now)) do
  local body = m.rec.body
  if string.sub(body, -1) == '}' then
    local cut = string.find(body, ',"label":"', 1, true)
    local head = cut and string.sub(body, 1, cut - 1) or string.sub(body, 1, -2)
    m.rec.body = head .. ',"label":' .. labelJson .. '}'
    redis.call('SET', sp .. m.h, encode(m.rec), 'PX', ms(m.rec.expiresAt - now))
    count = count + 1
  end
end
return count
`,
  keys: (input) => [input.keys.index],
  args: (input) => [input.keys.sessionPrefix, String(input.now), JSON.stringify(input.label)],
  decode: (reply) => Number(reply) || 0,
};
