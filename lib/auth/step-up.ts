/**
 * Step-up re-authentication ("sudo mode") for the app's sensitive actions, framework-free so tests run it against
 * real Redis. `requireStepUp` guards an action: the session must have confirmed its password (or signed in) within
 * SESSION_REAUTH_WINDOW_SECONDS. It reads the session the request already validated, so it costs no Redis call.
 * `confirmPassword` checks the password and opens a new window on this session only. It is throttled by the
 * session's own password window, never by the account's anonymous sign-in window, so a stranger's failed sign-ins
 * cannot keep the owner out of sudo mode.
 */
import type { DeviceInfo, Session, SessionCookie, SessionKit, SignedOutReason } from "@/lib/session";
import { verifyPassword } from "./password";
import { checkSessionThrottle } from "./rate-limit";
import { getUserById } from "./users";

export type StepUpCheck = { ok: true } | { ok: false; reason: "reauth_required" };

/** Call inside every sensitive server action, before it acts: the UI's dialog is a convenience, not the guard. */
export function requireStepUp(kit: SessionKit, session: Session): StepUpCheck {
  return kit.requireRecentAuthentication(session);
}

export type ConfirmPasswordInput = {
  session: Session;
  password: string;
  /** This browser's session cookie: the confirmation is recorded on its record. */
  sessionCookie: string | undefined;
  device: DeviceInfo;
};

export type ConfirmPasswordResult =
  /** `cookie`: set it when present (the kit's revalidate window is on). */
  | { ok: true; cookie?: SessionCookie }
  | { ok: false; reason: "incorrect" | "no_account" | "unavailable" }
  | { ok: false; reason: "signed_out"; signedOut: SignedOutReason }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

export async function confirmPassword(
  kit: SessionKit,
  input: ConfirmPasswordInput,
): Promise<ConfirmPasswordResult> {
  const throttle = await checkSessionThrottle(input.session.id, "password");
  if (!throttle.ok) return throttle;
  const found = await getUserById(input.session.userId);
  if (!found.ok) return { ok: false, reason: "unavailable" };
  if (found.user === null) return { ok: false, reason: "no_account" };
  if (!(await verifyPassword(input.password, found.user.passwordHash))) {
    await kit.recordFailedSignIn({ userId: found.user.id, device: input.device });
    return { ok: false, reason: "incorrect" };
  }
  const marked = await kit.markReauthenticated(input.sessionCookie);
  if (marked.ok) return marked.cookie === undefined ? { ok: true } : { ok: true, cookie: marked.cookie };
  if (marked.reason === "unavailable") return { ok: false, reason: "unavailable" };
  return { ok: false, reason: "signed_out", signedOut: marked.reason };
}
