/**
 * Shared setup of the account-flow tests (account-signup, account-reset): a notifier that keeps what it was asked
 * to send, a hash that counts its calls, and the token out of a mail's link. Not a test file.
 */
import { hashPassword } from "@/lib/auth/password";
import type { AccountMail, Notifier } from "@/lib/session/ops";

export type MailSpy = { notifier: Notifier; mails: AccountMail[]; sends: () => number };

export function mailSpy(): MailSpy {
  const mails: AccountMail[] = [];
  return {
    mails,
    sends: () => mails.length,
    notifier: {
      async notifyNewDevice() {},
      async sendMail(mail) {
        mails.push(mail);
      },
    },
  };
}

export type HashSpy = { hash: (password: string) => Promise<string>; calls: () => number };

/** Counts hashes; `fast` skips scrypt where the password is never checked afterwards (the count is what matters). */
export function hashSpy(options: { fast?: boolean } = {}): HashSpy {
  let calls = 0;
  return {
    calls: () => calls,
    hash: async (password) => {
      calls += 1;
      return options.fast === true ? "scrypt$never-checked" : hashPassword(password);
    },
  };
}

/** The `token` query parameter of the last mail's link to `to`, of `kind`. */
export function tokenFrom(mails: AccountMail[], to: string, kind: string): string {
  const mail = mails.filter((entry) => entry.to === to && entry.kind === kind).at(-1);
  if (mail?.link === undefined) throw new Error(`test: no ${kind} mail with a link to ${to}`);
  const token = new URL(mail.link, "http://app.test").searchParams.get("token");
  if (token === null) throw new Error(`test: the ${kind} link has no token`);
  return token;
}

let count = 0;
export function newEmail(label = "owner"): string {
  count += 1;
  return `${label}-${count}-${Date.now().toString(36)}@example.test`;
}
