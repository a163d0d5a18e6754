/**
 * The words of the account mails (sign-up, verification, password reset), as the kit's `AccountMail`; the
 * Notifier delivers them (lib/ops/notifier.ts). `origin` is APP_URL (lib/ops/notifier.ts `appOrigin`), never the
 * request's Host: whoever asks for a mail controls that, and the mail goes to the address's owner.
 */
import type { AccountMail } from "@/lib/session/ops";

export type MailKind =
  "verify_email" | "signup_existing" | "reset_password" | "reset_no_account" | "password_changed";

function mail(to: string, kind: MailKind, subject: string, lines: string[], link?: string): AccountMail {
  return {
    to,
    kind,
    subject,
    text: lines.join("\n"),
    at: Date.now(),
    ...(link === undefined ? {} : { link }),
  };
}

export function verifyEmailMail(to: string, origin: string, token: string): AccountMail {
  const link = `${origin}/verify-email?token=${encodeURIComponent(token)}`;
  return mail(
    to,
    "verify_email",
    "Verify your email",
    [
      "Open this link to verify your email and finish creating your account (it works once, for 24 hours):",
      link,
      "If you did not create an account, ignore this mail: nobody can sign in with it until the link is opened.",
    ],
    link,
  );
}

export function signUpExistingMail(to: string, origin: string): AccountMail {
  const link = `${origin}/forgot-password`;
  return mail(
    to,
    "signup_existing",
    "Someone tried to create an account with your email",
    [
      "Someone tried to create an account with your email, but you already have one.",
      `If it was you, sign in (${origin}/login), or reset your password: ${link}`,
      "If it was not you, you need not do anything: your account and password did not change.",
    ],
    link,
  );
}

export function resetPasswordMail(to: string, origin: string, token: string): AccountMail {
  const link = `${origin}/reset-password?token=${encodeURIComponent(token)}`;
  return mail(
    to,
    "reset_password",
    "Reset your password",
    [
      "Open this link to choose a new password (it works once, for 30 minutes):",
      link,
      "Resetting signs out every device signed in to your account. If you did not ask for it, ignore this mail.",
    ],
    link,
  );
}

export function resetNoAccountMail(to: string, origin: string): AccountMail {
  const link = `${origin}/signup`;
  return mail(
    to,
    "reset_no_account",
    "Password reset requested",
    [
      "Someone asked to reset the password of an account with this email, but there is no such account.",
      `If it was you, you may have signed up with another address, or create an account: ${link}`,
    ],
    link,
  );
}

export function passwordChangedMail(to: string, origin: string): AccountMail {
  const link = `${origin}/forgot-password`;
  return mail(
    to,
    "password_changed",
    "Your password was changed",
    [
      "The password of your account was just reset, and every device signed in to it was signed out.",
      `If it was not you, reset your password now: ${link}`,
    ],
    link,
  );
}
