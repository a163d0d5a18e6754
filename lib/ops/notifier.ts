/**
 * The starter app's new-device notifier, picked by SESSION_NOTIFIER (lib/ops/notifier-choice.ts): the dev outbox
 * outside production, none in production unless named. To send email instead, implement `Notifier` (see the
 * example at the top of lib/session/notify.ts) and return it here.
 * Best effort: a failed notice never fails the sign-in.
 */
import { authRedis } from "@/lib/auth/redis";
import type { Session } from "@/lib/session";
import { consoleNotifier, outboxNotifier, type Notifier } from "@/lib/session/ops";
import { getSessionKit } from "@/lib/session/next";
import { notifierChoice, warnAboutNotifier } from "./notifier-choice";

const REPORT_LINK_TTL_SECONDS = 7 * 86_400;

export function appNotifier(): Notifier | null {
  warnAboutNotifier();
  const choice = notifierChoice();
  if (choice === "none") return null;
  const toConsole = consoleNotifier();
  if (choice === "console") return toConsole;
  const outbox = outboxNotifier(authRedis(), getSessionKit().config.keyPrefix);
  return {
    async notifyNewDevice(notice) {
      await Promise.all([outbox.notifyNewDevice(notice), toConsole.notifyNewDevice(notice)]);
    },
    async sendMail(mail) {
      await Promise.all([outbox.sendMail(mail), toConsole.sendMail(mail)]);
    },
  };
}

/**
 * Origin for links in notices: APP_URL (set it in production, e.g. https://app.example.com). Never the request's
 * Host or X-Forwarded-Host: whoever signs in controls those, and the link goes to the account's owner. Without
 * APP_URL links are relative (fine for the dev outbox page, useless in an email).
 */
export function appOrigin(): string {
  const configured = process.env.APP_URL?.trim();
  if (configured === undefined || configured === "") return "";
  return configured.replace(/\/+$/, "");
}

/** Sends the "new sign-in" notice with its "This wasn't me" link for a session just created on a new device. */
export async function notifyNewDeviceSignIn(session: Session, origin: string): Promise<void> {
  const notifier = appNotifier();
  if (notifier === null) return;
  try {
    const token = await getSessionKit().signReportToken(session.userId, session.id, REPORT_LINK_TTL_SECONDS);
    await notifier.notifyNewDevice({
      userId: session.userId,
      sessionId: session.id,
      device: session.device,
      at: session.createdAt,
      reportUrl: `${origin}/not-me?token=${encodeURIComponent(token)}`,
    });
  } catch (error) {
    console.error(`ops: new-device notice not sent (${error instanceof Error ? error.name : "error"})`);
  }
}
