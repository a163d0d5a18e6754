/**
 * "Forgot password?", framework-free (app/(auth)/forgot-password and reset-password read the forms).
 * Request: the same answer for any address; a registered one gets a single-use 30-minute link, an unregistered one
 * a mail saying there is no account (one mail either way). Complete: the new hash is stored first, then one kit
 * script ends every session of the user (reason password_reset), creates this browser's fresh session and raises the
 * credential version, so a sign-in still checking the old password is refused (ADR 007). Neither step consults the
 * account's sign-in window: strangers who closed it never keep the owner from getting back in this way.
 */
import type { DeviceInfo, SessionCookie, SessionKit } from "@/lib/session";
import type { Notifier } from "@/lib/session/ops";
import { passwordChangedMail, resetNoAccountMail, resetPasswordMail } from "./account-mail";
import { issueAccountToken, peekAccountToken, redeemAccountToken } from "./account-tokens";
import { deviceCookie, readDeviceCookie } from "./device-cookie";
import { hashPassword } from "./password";
import { checkNewPassword } from "./password-policy";
import { checkMailThrottle, checkResetThrottle } from "./rate-limit";
import { sendBestEffort } from "./sign-up";
import {
  findUserIdByEmail,
  getUserById,
  markEmailVerified,
  normalizeEmail,
  updatePasswordHash,
} from "./users";

/** No user id the app creates looks like this (they are UUIDs). */
const UNKNOWN_USER = "#unknown";

export type ResetDeps = { notifier: Notifier | null; origin: string; now?: () => number };

export type RequestResetResult =
  | { ok: true }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: "unavailable" };

export async function requestPasswordReset(
  kit: SessionKit,
  input: { email: string; ip: string | undefined },
  deps: ResetDeps,
): Promise<RequestResetResult> {
  const email = normalizeEmail(input.email);
  const ipWindow = await checkResetThrottle(input.ip);
  if (!ipWindow.ok) return ipWindow;
  const mailWindow = await checkMailThrottle(email, "reset");
  if (!mailWindow.ok) return mailWindow.reason === "unavailable" ? mailWindow : { ok: true };
  const userId = await findUserIdByEmail(email);
  if (!userId.ok) return userId;
  // An unknown address reads a version too, so both paths cost the same round trips.
  const version = await kit.readCredentialVersion(userId.id ?? UNKNOWN_USER);
  if (!version.ok) return version;
  if (userId.id === null) {
    await sendBestEffort(deps.notifier, resetNoAccountMail(email, deps.origin));
    return { ok: true };
  }
  const issued = await issueAccountToken("reset", userId.id, {
    now: deps.now,
    credentialVersion: version.version,
  });
  if (!issued.ok) return issued;
  await sendBestEffort(deps.notifier, resetPasswordMail(email, deps.origin, issued.token));
  return { ok: true };
}

export type ResetStep = "password_stored";

export type CompleteResetInput = {
  token: string;
  newPassword: string;
  device: DeviceInfo;
  /** The browser's current session cookie, if any (replaced by the new session). */
  sessionCookie: string | undefined;
  deviceCookie: string | undefined;
};

export type CompleteResetResult =
  | { ok: true; cookies: SessionCookie[] }
  | { ok: false; reason: "invalid" | "expired" | "unavailable" }
  | { ok: false; reason: "weak_password"; message: string }
  /** The password was reset, but the sessions could not be ended yet. */
  | { ok: false; reason: "not_rotated" };

export async function completePasswordReset(
  kit: SessionKit,
  input: CompleteResetInput,
  deps: ResetDeps,
  pause: (step: ResetStep) => Promise<void> = async () => {},
): Promise<CompleteResetResult> {
  const now = deps.now ?? Date.now;
  // Looked at first, used up only once the new password passes: a weak password does not burn the link.
  const peeked = await peekAccountToken("reset", input.token, now);
  if (!peeked.ok) return peeked;
  const found = await getUserById(peeked.record.userId);
  if (!found.ok) return found;
  if (found.user === null) return { ok: false, reason: "invalid" };
  const user = found.user;
  const strong = await checkNewPassword(input.newPassword, user.email);
  if (!strong.ok) return strong;
  const redeemed = await redeemAccountToken("reset", input.token, now);
  if (!redeemed.ok) return redeemed;
  // A link sent before the last password change (or reset) is void.
  const before = await kit.readCredentialVersion(user.id);
  if (!before.ok) return before;
  if (redeemed.record.credentialVersion !== before.version) return { ok: false, reason: "invalid" };

  const updated = await updatePasswordHash(user.id, await hashPassword(input.newPassword));
  if (!updated.ok) return updated;
  if (!updated.updated) return { ok: false, reason: "invalid" };
  await pause("password_stored");

  const rotated = await kit.createSession({
    userId: user.id,
    label: user.email,
    device: input.device,
    replaceCookie: input.sessionCookie,
    revokeOtherSessions: "password_reset",
  });
  if (!rotated.ok) {
    // Still end every session; this browser then signs in with the new password.
    await kit.revokeUserSessions(user.id, "password_reset");
    return { ok: false, reason: "not_rotated" };
  }
  // Opening the link proved the mailbox; a failure here only leaves the flag for the next link.
  await markEmailVerified(user.id);
  await sendBestEffort(deps.notifier, passwordChangedMail(user.email, deps.origin));
  const deviceId = await readDeviceCookie(kit, input.deviceCookie, user.email, before.version);
  const known = await deviceCookie(kit, rotated.cookie, user.email, deviceId, rotated.credentialVersion);
  return { ok: true, cookies: [rotated.cookie, known] };
}
