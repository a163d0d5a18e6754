/**
 * Sign-in with email and password, framework-free so tests can run it against real Redis with a pause injected
 * between its steps (the server action in app/(auth)/login only reads the form and sets the cookies it returns).
 * Order matters: the credential version is read before the password hash, and the create script refuses when it
 * moved meanwhile, so a password change that lands at any point of a sign-in leaves no session from the old one.
 */
import type { DeviceInfo, Session, SessionCookie, SessionKit } from "@/lib/session";
import { deviceCookie, readDeviceCookie } from "./device-cookie";
import { authEnv } from "./env";
import { verifyAgainstDummyHash, verifyPassword } from "./password";
import { checkLoginThrottle } from "./rate-limit";
import { findUserIdByEmail, getUserById, normalizeEmail } from "./users";

/** No user id the app creates looks like this (they are UUIDs). */
const UNKNOWN_USER = "#unknown";

/** Where a sign-in may be paused by a test: after each read it depends on. */
export type SignInStep = "version_read" | "user_read" | "password_checked";

export type SignInInput = {
  email: string;
  password: string;
  device: DeviceInfo;
  remember: boolean;
  /** The browser's current session cookie (replaced by the new session). */
  sessionCookie: string | undefined;
  /** The browser's device cookie value (device-cookie.ts), if any. */
  deviceCookie: string | undefined;
};

export type SignInResult =
  | { ok: true; session: Session; cookies: SessionCookie[]; newDevice: boolean }
  | { ok: false; reason: "incorrect" | "locked" | "limit_reached" | "stale_credentials" | "unavailable" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  /** The password was right, but the email is not verified yet (AUTH_REQUIRE_EMAIL_VERIFICATION). */
  | { ok: false; reason: "unverified"; userId: string; email: string };

export async function signInWithPassword(
  kit: SessionKit,
  input: SignInInput,
  pause: (step: SignInStep) => Promise<void> = async () => {},
): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const userId = await findUserIdByEmail(email);
  if (!userId.ok) return { ok: false, reason: "unavailable" };
  // An unknown email reads a version too (of nobody), so it costs the same round trips as a known one.
  const read = await kit.readCredentialVersion(userId.id ?? UNKNOWN_USER);
  if (!read.ok) return { ok: false, reason: "unavailable" };
  const credentialVersion = userId.id === null ? undefined : read.version;
  await pause("version_read");

  const deviceId =
    credentialVersion === undefined
      ? undefined
      : await readDeviceCookie(kit, input.deviceCookie, email, credentialVersion);
  const throttle = await checkLoginThrottle({ ip: input.device.ip, normalizedEmail: email, deviceId });
  if (!throttle.ok) return throttle;

  const found = userId.id === null ? { ok: true as const, user: null } : await getUserById(userId.id);
  if (!found.ok) return { ok: false, reason: "unavailable" };
  await pause("user_read");
  const passwordOk =
    found.user === null
      ? await verifyAgainstDummyHash(input.password)
      : await verifyPassword(input.password, found.user.passwordHash);
  await pause("password_checked");
  if (found.user === null || !passwordOk) {
    // Counted in the metrics; logged in the account's security activity when the account exists.
    await kit.recordFailedSignIn(
      found.user === null ? undefined : { userId: found.user.id, device: input.device },
    );
    return { ok: false, reason: "incorrect" };
  }
  // Read after the credential version: a lock landing later raises the version, so the create refuses.
  if (found.user.locked === true) return { ok: false, reason: "locked" };
  // Only after the password check: before it, "unverified" would tell a stranger the address is registered.
  if (!found.user.verified && authEnv().AUTH_REQUIRE_EMAIL_VERIFICATION) {
    return { ok: false, reason: "unverified", userId: found.user.id, email: found.user.email };
  }

  // A brand-new session every time; whatever session this browser had before is revoked.
  const created = await kit.createSession({
    userId: found.user.id,
    label: found.user.email,
    device: input.device,
    remember: input.remember,
    replaceCookie: input.sessionCookie,
    credentialVersion,
    knownDevice: deviceId !== undefined,
  });
  if (!created.ok) return { ok: false, reason: created.reason };
  const known = await deviceCookie(kit, created.cookie, email, deviceId, created.credentialVersion);
  return {
    ok: true,
    session: created.session,
    cookies: [created.cookie, known],
    newDevice: created.newDevice === true,
  };
}
