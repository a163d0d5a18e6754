/**
 * Email verification (framework-free): opening the link sent at sign-up marks the account verified; an account
 * whose owner signs in with the right password before verifying gets a fresh link (sign-in refuses with
 * `unverified`, the action calls `resendVerification`). Both links and resends are throttled per address.
 */
import type { Notifier } from "@/lib/session/ops";
import { verifyEmailMail } from "./account-mail";
import { issueAccountToken, redeemAccountToken } from "./account-tokens";
import { checkMailThrottle } from "./rate-limit";
import { sendBestEffort } from "./sign-up";
import { markEmailVerified } from "./users";

export type VerifyEmailResult = { ok: true } | { ok: false; reason: "invalid" | "expired" | "unavailable" };

export async function verifyEmail(token: string, now: () => number = Date.now): Promise<VerifyEmailResult> {
  const redeemed = await redeemAccountToken("verify", token, now);
  if (!redeemed.ok) return redeemed;
  const marked = await markEmailVerified(redeemed.record.userId);
  if (!marked.ok) return marked;
  return marked.updated ? { ok: true } : { ok: false, reason: "invalid" };
}

/** Sends a new verification link, unless the address's verification window is closed; never throws. */
export async function resendVerification(
  user: { userId: string; email: string },
  deps: { notifier: Notifier | null; origin: string; now?: () => number },
): Promise<void> {
  const window = await checkMailThrottle(user.email, "verify");
  if (!window.ok) return;
  const issued = await issueAccountToken("verify", user.userId, { now: deps.now });
  if (!issued.ok) return;
  await sendBestEffort(deps.notifier, verifyEmailMail(user.email, deps.origin, issued.token));
}
