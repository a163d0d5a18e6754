/**
 * Validating a session cookie, and touching the session it names: the kit's hot path.
 *
 * What: `validateSessionToken` opens the cookie (no Redis call for a forged one), then reads the session key
 * with one GET — or none inside the optional revalidate window — and `judge` decides from the stored value: the
 * one place liveness is judged. `validateAndListSessions` does the same in one script that also lists the user's
 * sessions. `touchSession` refreshes "last active" and the idle expiry, at most once per touch interval, off the
 * hot path. A store error is `unavailable`, never a sign-out.
 * Cost (Redis commands): validate 1 (GET), 0 inside the window; validate-and-list 1 script; touch 1 script (+1
 * metrics script when metrics are on).
 * Seam: middleware (next.ts) calls these through the kit; the cookie's lifetime profile is config.ts's.
 */
import { recordMetrics } from "./bookkeep";
import type { SessionContext } from "./context";
import type { CookiePayload } from "./cookie";
import { userKeys } from "./keys";
import { TOUCH } from "./lua/touch";
import { VALIDATE_LIST } from "./lua/validate-list";
import { decodeRecord, issueCookie, openCookie } from "./open";
import { attempt, runScript, UNAVAILABLE } from "./store";
import type { TouchResult, ValidationResult, ValidationWithListing } from "./types";

/** Decides a validation from the session key's value (a GET's reply): the one place liveness is judged. */
export async function judge(
  ctx: SessionContext,
  payload: CookiePayload,
  value: unknown,
  at: number,
): Promise<ValidationResult> {
  const stored = decodeRecord(ctx, value);
  if (stored.kind === "absent") return { ok: false, reason: "expired" };
  if (stored.kind === "marker") return { ok: false, reason: stored.reason };
  if (stored.kind === "invalid") return { ok: false, reason: "malformed" };
  const session = stored.session;
  if (session.userId !== payload.u) return { ok: false, reason: "malformed" };
  if (session.expiresAt <= at || session.absoluteExpiresAt <= at) return { ok: false, reason: "expired" };

  const touchDue = at - session.lastActiveAt >= ctx.config.touchIntervalSeconds * 1000;
  if (ctx.windowMs === 0) return { ok: true, session, touchDue };
  return { ok: true, session, touchDue, cookie: await issueCookie(ctx, payload.t, session, at) };
}

export async function validateSessionToken(
  ctx: SessionContext,
  cookieValue: string | undefined,
): Promise<ValidationResult> {
  if (cookieValue === undefined || cookieValue === "") return { ok: false, reason: "missing" };
  const cookie = await openCookie(ctx, cookieValue);
  if (cookie === null) return { ok: false, reason: "malformed" };
  const payload = cookie.payload;
  const at = ctx.now();

  // Zero-round-trip window: trust a snapshot validated less than `revalidateAfterSeconds` ago.
  const snapshot = payload.s;
  if (
    ctx.windowMs > 0 &&
    snapshot !== undefined &&
    payload.v !== undefined &&
    snapshot.userId === payload.u
  ) {
    const age = at - payload.v;
    if (age >= 0 && age < ctx.windowMs) {
      if (snapshot.expiresAt <= at || snapshot.absoluteExpiresAt <= at)
        return { ok: false, reason: "expired" };
      return { ok: true, session: snapshot, touchDue: false };
    }
  }

  const key = userKeys(ctx.config.keyPrefix, payload.u).session(cookie.hash);
  const result = await attempt(() => ctx.store.get(key));
  if (!result.ok) return UNAVAILABLE;
  return judge(ctx, payload, result.value, at);
}

export async function validateAndListSessions(
  ctx: SessionContext,
  cookieValue: string | undefined,
  options: { activityLimit?: number } = {},
): Promise<ValidationWithListing> {
  if (cookieValue === undefined || cookieValue === "") return { ok: false, reason: "missing" };
  const cookie = await openCookie(ctx, cookieValue);
  if (cookie === null) return { ok: false, reason: "malformed" };
  const { payload } = cookie;
  const at = ctx.now();
  const result = await runScript(ctx.store, VALIDATE_LIST, {
    userId: payload.u,
    keys: userKeys(ctx.config.keyPrefix, payload.u),
    hash: cookie.hash,
    now: at,
    activityLimit: options.activityLimit,
  });
  if (!result.ok) return result;
  const reply = result.value;
  if (reply.state === "unexpected") return UNAVAILABLE;
  const judged = await judge(ctx, payload, reply.value, at);
  if (!judged.ok) return judged;
  // The script found no live record where this judged one live: never hand out a listing then.
  if (reply.state !== "live") return { ok: false, reason: "expired" };
  return { ...judged, listing: reply.listing };
}

export async function touchSession(ctx: SessionContext, cookieValue: string): Promise<TouchResult> {
  const opened = await openCookie(ctx, cookieValue);
  if (opened === null) return { ok: true, touched: false };
  const { payload, hash } = opened;
  const { config } = ctx;
  const result = await runScript(ctx.store, TOUCH, {
    keys: userKeys(config.keyPrefix, payload.u),
    hash,
    now: ctx.now(),
    idleMs: config.idleTimeoutSeconds * 1000,
    rememberIdleMs: config.rememberMe.idleTimeoutSeconds * 1000,
    touchIntervalMs: config.touchIntervalSeconds * 1000,
  });
  if (!result.ok) return result;
  const expiresAt = result.value;
  if (expiresAt === 0) return { ok: true, touched: false };
  // A touch already runs off the hot path (waitUntil/after): record inline, at most once per touch interval.
  if (ctx.metricsOn) await recordMetrics(ctx, [{ type: "touched", hash, expiresAt }]);
  return { ok: true, touched: true };
}
