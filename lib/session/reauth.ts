/**
 * Step-up re-authentication ("sudo mode") and session labels.
 *
 * What: `requireRecentAuthentication` is a pure check: did this session confirm its password (or sign in) less
 * than `seconds` ago? It reads `session.reauthAt`, which the validation's one GET already returned, so guarding
 * an action costs no Redis command. `markReauthenticated` records a confirmation on the live session in one
 * script (lua/reauth.ts) after your app has checked the password; it never recreates a revoked session.
 * `relabelUserSessions` rewrites the label of every live session of a user in one script (lua/relabel.ts), e.g.
 * when the email the label shows has changed.
 * Why in the record: the time a session last proved its password belongs to that session alone; another device's
 * confirmation never lends it sudo mode, and it ends with the session (ASVS 7.5.2 / 7.5.3).
 * Cost (Redis commands): the check 0; mark 1 script; relabel 1 script.
 * Seam: the window is config.ts `reauthWindowSeconds` (SESSION_REAUTH_WINDOW_SECONDS); checking the password is
 * the app's (the kit never sees one).
 */
import { assertUserId, type SessionContext } from "./context";
import { userKeys } from "./keys";
import { REAUTH } from "./lua/reauth";
import { RELABEL } from "./lua/relabel";
import { openCookie } from "./open";
import { runScript } from "./store";
import type { Session, SessionCookie, SignedOutReason, Unavailable } from "./types";
import { judge } from "./validate";

export type RecentAuthenticationResult = { ok: true } | { ok: false; reason: "reauth_required" };

export type MarkReauthenticatedResult =
  /** `cookie`: set it when present (the revalidate window is on and its snapshot must carry the new time). */
  | { ok: true; session: Session; cookie?: SessionCookie }
  | { ok: false; reason: SignedOutReason }
  | Unavailable;

export type RelabelResult = { ok: true; relabeled: number } | Unavailable;

/**
 * `{ ok: true }` when the session's last password confirmation (its sign-in counts) is less than `seconds` old at
 * `now` (epoch ms); otherwise `reauth_required`: ask for the password, `markReauthenticated`, then run the action.
 */
export function requireRecentAuthentication(
  session: Pick<Session, "createdAt" | "reauthAt">,
  seconds: number,
  now: number,
): RecentAuthenticationResult {
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error("session: requireRecentAuthentication needs a window in whole seconds (at least 1)");
  }
  const at = session.reauthAt ?? session.createdAt;
  if (!Number.isFinite(at) || !Number.isFinite(now)) return { ok: false, reason: "reauth_required" };
  return now - at < seconds * 1000 ? { ok: true } : { ok: false, reason: "reauth_required" };
}

export async function markReauthenticated(
  ctx: SessionContext,
  cookieValue: string | undefined,
): Promise<MarkReauthenticatedResult> {
  if (cookieValue === undefined || cookieValue === "") return { ok: false, reason: "missing" };
  const opened = await openCookie(ctx, cookieValue);
  if (opened === null) return { ok: false, reason: "malformed" };
  const at = ctx.now();
  const result = await runScript(ctx.store, REAUTH, {
    keys: userKeys(ctx.config.keyPrefix, opened.payload.u),
    hash: opened.hash,
    now: at,
  });
  if (!result.ok) return result;
  // The script's reply is judged exactly like a GET's: a marker says why the session ended.
  const judged = await judge(ctx, opened.payload, result.value, at);
  if (!judged.ok) return judged;
  const { session, cookie } = judged;
  return cookie === undefined ? { ok: true, session } : { ok: true, session, cookie };
}

export async function relabelUserSessions(
  ctx: SessionContext,
  userId: string,
  label: string,
): Promise<RelabelResult> {
  assertUserId(userId, "relabelUserSessions");
  if (typeof label !== "string" || label.length > 512) {
    throw new Error("session: relabelUserSessions label must be a string of at most 512 characters");
  }
  const result = await runScript(ctx.store, RELABEL, {
    keys: userKeys(ctx.config.keyPrefix, userId),
    now: ctx.now(),
    label,
  });
  return result.ok ? { ok: true, relabeled: result.value } : result;
}
