/**
 * Moving a user's email in the users store without a moment where two accounts hold one address, or an address
 * points at nobody. The email key and the user hash are in different Redis Cluster slots, so each step is a
 * one-key script and the order carries the guarantees:
 *   1. claim the new address (absent, ours, or our own reservation → ours, expiring in CLAIM_TTL_MS): of two
 *      accounts claiming one address at once, exactly one wins;
 *   2. swap the user hash's email, only if it still holds `from` and the change is still the pending one
 *      (`emailChange`): a revert, or a newer request, in between makes the swap refuse;
 *   3. persist the claim, and reserve the old address (`~<id>`, no sign-in) for the way back.
 * A crash between steps leaves at most a claim that expires by itself. Confirm and revert of one user also hold
 * that user's lock (email-change.ts), so a revert never interleaves with the steps of a confirm.
 */
import { authEnv } from "./env";
import { emailKey, userKey } from "./keys";
import { authRedis } from "./redis";

const CLAIM_TTL_MS = 10 * 60_000;

export type Claim = "claimed" | "ours" | "reclaimed" | "taken";

// KEYS[1] email key; ARGV user id, claim TTL ms.
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then return 2 end
if v == '~' .. ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 3 end
return 0
`;
const CLAIMS: Claim[] = ["taken", "claimed", "ours", "reclaimed"];

// KEYS[1] email key; ARGV user id, mode ("persist" | "release" | "reserve"), reservation TTL ms.
const SETTLE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'persist' then redis.call('PERSIST', KEYS[1])
elseif ARGV[2] == 'release' then redis.call('DEL', KEYS[1])
else redis.call('SET', KEYS[1], '~' .. ARGV[1], 'PX', ARGV[3]) end
return 1
`;

// KEYS[1] user hash; ARGV mode ("begin" | "cancel" | "commit" | "revert"), change id, from, to.
// begin: email = from → emailChange = id. cancel: drop emailChange.
// commit: email = from and emailChange = id → email = to.
// revert: drop emailChange; email = to → email = from (2), already from (1), else 0.
const RECORD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local email = redis.call('HGET', KEYS[1], 'email')
local mode, id, from, to = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if mode == 'begin' then
  if email ~= from then return 0 end
  redis.call('HSET', KEYS[1], 'emailChange', id)
  return 1
end
if mode == 'cancel' then
  redis.call('HDEL', KEYS[1], 'emailChange')
  return 1
end
if mode == 'commit' then
  if email ~= from or redis.call('HGET', KEYS[1], 'emailChange') ~= id then return 0 end
  redis.call('HSET', KEYS[1], 'email', to)
  redis.call('HDEL', KEYS[1], 'emailChange')
  return 1
end
redis.call('HDEL', KEYS[1], 'emailChange')
if email == to then redis.call('HSET', KEYS[1], 'email', from) return 2 end
if email == from then return 1 end
return 0
`;

function prefix(): string {
  return authEnv().AUTH_KEY_PREFIX;
}

export async function claimEmail(email: string, userId: string): Promise<Claim> {
  const reply = await authRedis().eval(CLAIM, [emailKey(prefix(), email)], [userId, String(CLAIM_TTL_MS)]);
  return CLAIMS[Number(reply)] ?? "taken";
}

/** Makes a claim permanent, drops it, or turns it into the reservation (`~<id>`) for `reserveMs`: only while ours. */
export async function settleEmail(
  email: string,
  userId: string,
  mode: "persist" | "release" | "reserve",
  reserveMs = 0,
): Promise<void> {
  await authRedis().eval(SETTLE, [emailKey(prefix(), email)], [userId, mode, String(reserveMs)]);
}

/** Undoes a claim that step 2 refused: a fresh claim is dropped, a reclaimed reservation restored. */
export async function undoClaim(
  email: string,
  userId: string,
  claim: Claim,
  reserveMs: number,
): Promise<void> {
  if (claim === "claimed") await settleEmail(email, userId, "release");
  if (claim === "reclaimed") await settleEmail(email, userId, "reserve", reserveMs);
}

export type RecordStep = "missing" | "refused" | "done" | "already";

/** Step 2 on the user hash (see RECORD): "done" when it changed, "already" when a revert found `from` in place. */
export async function stepUserRecord(
  userId: string,
  mode: "begin" | "cancel" | "commit" | "revert",
  change: { id: string; from: string; to: string },
): Promise<RecordStep> {
  const reply = Number(
    await authRedis().eval(RECORD, [userKey(prefix(), userId)], [mode, change.id, change.from, change.to]),
  );
  if (reply === -1) return "missing";
  if (reply === 0) return "refused";
  if (mode === "revert" && reply === 1) return "already";
  return "done";
}
