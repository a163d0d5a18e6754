/**
 * Which new passwords the starter app accepts (ASVS 6.2.4): at least 10 characters, and not common or easy to
 * guess. "Common" is zxcvbn-ts with its maintained dictionaries: @zxcvbn-ts/language-common's ~49,000 most used
 * passwords and @zxcvbn-ts/language-en's words and names, plus keyboard walks, sequences, dates, repeats and
 * l33t variants of all of them; a password zxcvbn scores below 3 (found within ~10^8 guesses) is refused. The
 * account's own email counts as a dictionary word, so "alice@…" cannot pick "alice2024!".
 * Server only: the dictionaries are megabytes and load on first use (a dynamic import); middleware never imports
 * this file (tests/unit/password-policy.test.ts checks that).
 */
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
/** zxcvbn's scores: below 3 means fewer than ~10^8 guesses find it (score 3 is "safely unguessable"). */
const MIN_SCORE = 3;
/** zxcvbn's matching is quadratic in the length; what lies past this is padding it need not look at. */
const CHECKED_LENGTH = 100;

export type PasswordVerdict = { ok: true } | { ok: false; reason: "weak_password"; message: string };

let factory: Promise<ZxcvbnFactory> | undefined;

function estimator(): Promise<ZxcvbnFactory> {
  factory ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })();
  return factory;
}

/** The words of an email that a password should not be built from: the address, its local part and its pieces. */
function emailInputs(email: string | undefined): string[] {
  if (email === undefined || email === "") return [];
  const local = email.split("@")[0] ?? "";
  return [email, local, ...local.split(/[^A-Za-z0-9]+/).filter((part) => part.length >= 3)];
}

/**
 * Refuses a new password that is too short, too long, or common or easy to guess, with a message for the form.
 * `email` is the account's address (its parts make a password weak too).
 */
export async function checkNewPassword(password: string, email?: string): Promise<PasswordVerdict> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { ok: false, reason: "weak_password", message: `Use at least ${MIN_PASSWORD_LENGTH} characters` };
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return { ok: false, reason: "weak_password", message: `Use at most ${MAX_PASSWORD_LENGTH} characters` };
  }
  const result = (await estimator()).check(password.slice(0, CHECKED_LENGTH), emailInputs(email));
  if (result.score >= MIN_SCORE) return { ok: true };
  const warning = result.feedback.warning;
  return {
    ok: false,
    reason: "weak_password",
    message:
      "This password is too common or too easy to guess" +
      (warning === null || warning === "" ? "." : ` (${warning.replace(/\.$/, "")}).`) +
      " Try a few unrelated words.",
  };
}
