/**
 * Password change for a signed-in session, framework-free (the server action in app/(account)/account reads the
 * form and sets the cookies it returns). The new hash is stored first; then one kit script signs every other
 * session out and raises the credential version, so a sign-in still checking the old password is refused too.
 * Throttled by the session's own window, never by the account's anonymous sign-in window. A common or weak new
 * password is refused before anything else (password-policy.ts).
 */
import type { DeviceInfo, Session, SessionCookie, SessionKit } from "@/lib/session";
import { deviceCookie, readDeviceCookie } from "./device-cookie";
import { hashPassword, verifyPassword } from "./password";
import { checkNewPassword } from "./password-policy";
import { checkSessionThrottle } from "./rate-limit";
import { getUserById, updatePasswordHash } from "./users";

export type ChangePasswordStep = "password_stored";

export type ChangePasswordInput = {
  session: Session;
  currentPassword: string;
  newPassword: string;
  device: DeviceInfo;
  sessionCookie: string | undefined;
  deviceCookie: string | undefined;
};

export type ChangePasswordResult =
  | { ok: true; cookies: SessionCookie[] }
  | { ok: false; reason: "incorrect" | "no_account" | "unavailable" }
  /** The password changed, but the other sessions could not be signed out yet. */
  | { ok: false; reason: "not_rotated" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: "weak_password"; message: string };

export async function changePassword(
  kit: SessionKit,
  input: ChangePasswordInput,
  pause: (step: ChangePasswordStep) => Promise<void> = async () => {},
): Promise<ChangePasswordResult> {
  const strong = await checkNewPassword(input.newPassword, input.session.label);
  if (!strong.ok) return strong;
  const throttle = await checkSessionThrottle(input.session.id, "password");
  if (!throttle.ok) return throttle;
  const found = await getUserById(input.session.userId);
  if (!found.ok) return { ok: false, reason: "unavailable" };
  if (found.user === null) return { ok: false, reason: "no_account" };
  const before = await kit.readCredentialVersion(found.user.id);
  if (!before.ok) return { ok: false, reason: "unavailable" };
  if (!(await verifyPassword(input.currentPassword, found.user.passwordHash))) {
    await kit.recordFailedSignIn();
    return { ok: false, reason: "incorrect" };
  }

  const updated = await updatePasswordHash(found.user.id, await hashPassword(input.newPassword));
  if (!updated.ok) return { ok: false, reason: "unavailable" };
  await pause("password_stored");

  // Every other session ends (reason password_changed); this browser gets a fresh session id.
  const rotated = await kit.createSession({
    userId: found.user.id,
    label: found.user.email,
    device: input.device,
    remember: input.session.remember,
    replaceCookie: input.sessionCookie,
    revokeOtherSessions: true,
  });
  if (!rotated.ok) return { ok: false, reason: "not_rotated" };
  // This browser stays known, bound to the new credential version; every other device cookie stops counting.
  const deviceId = await readDeviceCookie(kit, input.deviceCookie, found.user.email, before.version);
  const known = await deviceCookie(
    kit,
    rotated.cookie,
    found.user.email,
    deviceId,
    rotated.credentialVersion,
  );
  return { ok: true, cookies: [rotated.cookie, known] };
}
