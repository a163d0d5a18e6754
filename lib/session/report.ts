/**
 * "This wasn't me": signing a report link for one session, and redeeming it once.
 *
 * What: `signReportToken` signs {user, session public id, expiry, nonce} (notify.ts has the format and the key);
 * `redeemReportToken` verifies it, then one script marks the nonce used (`SET NX`) and revokes that session in
 * the user's own index. The second redemption is "used", a late one "expired", a forged one "invalid".
 * Cost (Redis commands): redeem 1 script (+1 metrics script, deferred); sign none.
 * Seam: the page behind the link should ask for a confirmation click (POST): mail scanners GET every link.
 */
import { bookkeep, endings } from "./bookkeep";
import { assertUserId, type SessionContext } from "./context";
import { userKeys } from "./keys";
import { REPORT } from "./lua/report";
import { runScript } from "./store";
import { generatePublicId } from "./token";
import type { Unavailable } from "./types";

/** @default ttlSeconds 86400 */
export async function signReportToken(
  ctx: SessionContext,
  userId: string,
  sessionId: string,
  ttlSeconds = 86_400,
): Promise<string> {
  assertUserId(userId, "signReportToken");
  return ctx.reports.sign(userId, sessionId, generatePublicId(), ttlSeconds);
}

export async function redeemReportToken(
  ctx: SessionContext,
  token: string,
): Promise<
  | { ok: true; userId: string; revoked: boolean }
  | { ok: false; reason: "invalid" | "expired" | "used" }
  | Unavailable
> {
  const payload = typeof token === "string" ? await ctx.reports.verify(token) : null;
  if (payload === null) return { ok: false, reason: "invalid" };
  if (payload === "expired") return { ok: false, reason: "expired" };
  const at = ctx.now();
  const result = await runScript(ctx.store, REPORT, {
    keys: userKeys(ctx.config.keyPrefix, payload.userId),
    nonce: payload.nonce,
    publicId: payload.sessionId,
    now: at,
    markerMs: ctx.markerMs,
    usedTtlMs: Math.max(1, payload.expiresAt - at),
    activity: ctx.activity,
  });
  if (!result.ok) return result;
  if (result.value.count === -1) return { ok: false, reason: "used" };
  await bookkeep(ctx, endings(payload.userId, result.value));
  return { ok: true, userId: payload.userId, revoked: result.value.count === 1 };
}
