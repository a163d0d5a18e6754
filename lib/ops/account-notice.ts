/**
 * Sends an account notice (email change) through the app's notifier (lib/ops/notifier.ts): the dev outbox outside
 * production, none in production unless SESSION_NOTIFIER names one. Best effort: a failed notice is logged, and
 * the user can ask again.
 */
import type { AccountNotice } from "@/lib/session/ops";
import { appNotifier } from "./notifier";

export async function sendAccountNotice(notice: AccountNotice): Promise<void> {
  const notifier = appNotifier();
  if (notifier === null || notifier.notifyAccount === undefined) return;
  try {
    await notifier.notifyAccount(notice);
  } catch (error) {
    console.error(`ops: ${notice.kind} notice not sent (${error instanceof Error ? error.name : "error"})`);
  }
}
