/**
 * Revoking sessions: one by its public id, every other one, all of a user's, and this device's (sign-out).
 *
 * What: each is one script in the user's hash slot. A revoked device finds a short-lived marker instead of its
 * session and learns why on its next request (a reason from reasons.ts); a sign-out leaves none (the user asked
 * for it). Revoking every session for a credential reason (password changed or reset, account locked, everyone
 * signed out) also raises the credential version, so a sign-in still checking the old password is refused.
 * Cost (Redis commands): 1 script each (+1 metrics script, deferred).
 * Seam: the markers' lifetime is config.ts `markerTtlSeconds`.
 */
import { bookkeep, endings } from "./bookkeep";
import { assertReason, assertUserId, type SessionContext } from "./context";
import { userKeys } from "./keys";
import { LOGOUT } from "./lua/logout";
import { REVOKE_ALL } from "./lua/revoke-all";
import { REVOKE_ONE } from "./lua/revoke-one";
import { REVOKE_OTHERS } from "./lua/revoke-others";
import type { EndedReply } from "./lua/prelude";
import { openCookie } from "./open";
import {
  ONE_SESSION_REASONS,
  raisesCredentialVersion,
  USER_REASONS,
  type SessionRevocationReason,
  type UserRevocationReason,
} from "./reasons";
import { runScript, type LuaScript } from "./store";
import { isPublicId } from "./token";
import type { RevokeManyResult, RevokeSessionResult, Unavailable } from "./types";

/** Runs one of the revoking scripts for `userId`, then bookkeeps the sessions it ended. */
async function runRevoke<Input>(
  ctx: SessionContext,
  userId: string,
  script: LuaScript<Input, EndedReply>,
  input: Input,
): Promise<{ ok: true; value: EndedReply } | Unavailable> {
  const result = await runScript(ctx.store, script, input);
  if (result.ok) await bookkeep(ctx, endings(userId, result.value));
  return result;
}

export async function revokeSession(
  ctx: SessionContext,
  userId: string,
  sessionId: string,
  reason: SessionRevocationReason = "revoked",
): Promise<RevokeSessionResult> {
  assertUserId(userId, "revokeSession");
  assertReason(reason, ONE_SESSION_REASONS, "revokeSession");
  // Public ids are looked up only inside this user's index: another user's session is unreachable.
  if (typeof sessionId !== "string" || !isPublicId(sessionId)) return { ok: true, revoked: false };
  const result = await runRevoke(ctx, userId, REVOKE_ONE, {
    keys: userKeys(ctx.config.keyPrefix, userId),
    publicId: sessionId,
    reason,
    now: ctx.now(),
    markerMs: ctx.markerMs,
    activity: ctx.activity,
  });
  return result.ok ? { ok: true, revoked: result.value.count === 1 } : result;
}

export async function revokeOtherSessions(
  ctx: SessionContext,
  userId: string,
  currentCookieValue: string,
): Promise<RevokeManyResult> {
  assertUserId(userId, "revokeOtherSessions");
  const opened = await openCookie(ctx, currentCookieValue);
  if (opened === null || opened.payload.u !== userId) {
    throw new Error("session: revokeOtherSessions needs the current, valid session cookie of that same user");
  }
  const result = await runRevoke(ctx, userId, REVOKE_OTHERS, {
    keys: userKeys(ctx.config.keyPrefix, userId),
    hash: opened.hash,
    now: ctx.now(),
    markerMs: ctx.markerMs,
    activity: ctx.activity,
  });
  return result.ok ? { ok: true, revoked: result.value.count } : result;
}

export async function revokeUserSessions(
  ctx: SessionContext,
  userId: string,
  reason: UserRevocationReason = "revoked",
): Promise<RevokeManyResult> {
  assertUserId(userId, "revokeUserSessions");
  assertReason(reason, USER_REASONS, "revokeUserSessions");
  const result = await runRevoke(ctx, userId, REVOKE_ALL, {
    keys: userKeys(ctx.config.keyPrefix, userId),
    reason,
    raiseCredentials: raisesCredentialVersion(reason),
    now: ctx.now(),
    markerMs: ctx.markerMs,
    activity: ctx.activity,
  });
  return result.ok ? { ok: true, revoked: result.value.count } : result;
}

/** Signs this device out (no marker). A cookie that does not open has nothing to revoke. */
export async function revokeCurrentSession(
  ctx: SessionContext,
  cookieValue: string,
): Promise<{ ok: true } | Unavailable> {
  const opened = await openCookie(ctx, cookieValue);
  if (opened === null) return { ok: true };
  const { payload, hash } = opened;
  const result = await runRevoke(ctx, payload.u, LOGOUT, {
    keys: userKeys(ctx.config.keyPrefix, payload.u),
    hash,
    now: ctx.now(),
    activity: ctx.activity,
  });
  return result.ok ? { ok: true } : result;
}
