/**
 * Sign-up that never tells whether an address is registered (framework-free; app/(auth)/signup reads the form).
 * Both paths answer `{ ok: true }` ("check your email") and do the same work: one scrypt hash, one user write that
 * claims the email (createUser), one mail. A new address gets a verification link; a registered one (verified or
 * not) gets "someone tried to create an account with your email" with a way to sign in or reset the password; the
 * password typed is thrown away. The password policy, the per-IP window and the per-address mail window answer
 * the same for either path. When the address's window is closed the hash is still computed and nothing is written
 * or sent. Tests pass `hash` and `notifier` to count the work.
 */
import type { Notifier } from "@/lib/session/ops";
import { signUpExistingMail, verifyEmailMail } from "./account-mail";
import { issueAccountToken } from "./account-tokens";
import { authEnv } from "./env";
import { hashPassword } from "./password";
import { checkNewPassword } from "./password-policy";
import { checkMailThrottle, checkSignUpThrottle } from "./rate-limit";
import { createUser, normalizeEmail } from "./users";

export type SignUpInput = { email: string; password: string; ip: string | undefined };

export type SignUpDeps = {
  /** Where mail goes; null sends nothing (SESSION_NOTIFIER=none). */
  notifier: Notifier | null;
  /** APP_URL, for the links in the mails. */
  origin: string;
  hash?: (password: string) => Promise<string>;
  now?: () => number;
};

export type SignUpResult =
  | { ok: true }
  | { ok: false; reason: "weak_password"; message: string }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: "unavailable" };

export async function signUp(input: SignUpInput, deps: SignUpDeps): Promise<SignUpResult> {
  const email = normalizeEmail(input.email);
  const strong = await checkNewPassword(input.password, email);
  if (!strong.ok) return strong;
  const ipWindow = await checkSignUpThrottle(input.ip);
  if (!ipWindow.ok) return ipWindow;
  const mailWindow = await checkMailThrottle(email, "signup");
  if (!mailWindow.ok && mailWindow.reason === "unavailable") return mailWindow;

  const passwordHash = await (deps.hash ?? hashPassword)(input.password);
  if (!mailWindow.ok) return { ok: true };
  const requireVerification = authEnv().AUTH_REQUIRE_EMAIL_VERIFICATION;
  const created = await createUser({ email, passwordHash, verified: !requireVerification });
  if (!created.ok && created.reason === "unavailable") return created;

  let mail;
  if (!created.ok) {
    mail = signUpExistingMail(email, deps.origin);
  } else {
    const issued = await issueAccountToken("verify", created.user.id, { now: deps.now });
    if (!issued.ok) return issued;
    mail = verifyEmailMail(email, deps.origin, issued.token);
  }
  await sendBestEffort(deps.notifier, mail);
  return { ok: true };
}

/** A mail that could not be sent never changes the answer (that would tell which path ran). */
export async function sendBestEffort(
  notifier: Notifier | null,
  mail: Parameters<Notifier["sendMail"]>[0],
): Promise<void> {
  if (notifier === null) return;
  try {
    await notifier.sendMail(mail);
  } catch (error) {
    console.error(`auth: ${mail.kind} mail not sent (${error instanceof Error ? error.name : "error"})`);
  }
}
