/**
 * Sends an account mail (e.g. a change of email's links) through the app's notifier (lib/ops/notifier.ts): the
 * dev mailbox outside production, none in production unless SESSION_NOTIFIER names one. Best effort: a failed
 * mail is logged, and the user can ask again.
 */
import { sendBestEffort } from "@/lib/auth/sign-up";
import type { AccountMail } from "@/lib/session/ops";
import { appNotifier } from "./notifier";

export async function sendAccountMail(mail: AccountMail): Promise<void> {
  await sendBestEffort(appNotifier(), mail);
}
