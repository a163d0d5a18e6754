/**
 * Notices about the account itself (an email change, its "this wasn't me" link), beside the new-device ones.
 *
 * What: `AccountNotice`, a message to one address with one link, sent through the optional
 * `Notifier.notifyAccount`; a console form and a dev outbox (`P{U}:outbox:account`, a list of JSON notices,
 * newest first, 20 kept, expiring after a day) that a dev page or a test reads. Both keep the link, a bearer, in
 * plain text: development and tests only. For email, implement `notifyAccount` next to `notifyNewDevice` (the
 * example at the top of notify.ts) and send `notice.to` the `describeAccountNotice` text.
 * Seam: the link's page should ask for a confirming click (POST): mail scanners GET every link they see.
 */
import type { Redis } from "@upstash/redis";
import { z } from "zod";

export type AccountNotice = {
  userId: string;
  /** What happened, e.g. "email_change_confirm" (to the new address), "email_change_notice" (to the old one). */
  kind: string;
  /** The address this notice goes to. */
  to: string;
  subject: string;
  text: string;
  link: { label: string; url: string };
  /** Epoch ms. */
  at: number;
};

/** Plain-text body of an account notice (for email or logs). */
export function describeAccountNotice(notice: AccountNotice): string {
  return `${notice.text}\n${notice.link.label}: ${notice.link.url}`;
}

export function consoleAccountNotifier(log: (message: string) => void = console.info): {
  notifyAccount(notice: AccountNotice): Promise<void>;
} {
  return {
    async notifyAccount(notice) {
      log(`session: ${notice.kind} notice to ${notice.to}\n${describeAccountNotice(notice)}`);
    },
  };
}

const OUTBOX_MAX = 20;
const OUTBOX_TTL_SECONDS = 86_400;

function accountOutboxKey(keyPrefix: string, userId: string): string {
  return `${keyPrefix}{${encodeURIComponent(userId)}}:outbox:account`;
}

/** Dev outbox of account notices in Redis. Not for production mail. */
export function accountOutboxNotifier(
  redis: Redis,
  keyPrefix: string,
): { notifyAccount(notice: AccountNotice): Promise<void> } {
  return {
    async notifyAccount(notice) {
      const key = accountOutboxKey(keyPrefix, notice.userId);
      await redis
        .pipeline()
        .lpush(key, JSON.stringify(notice))
        .ltrim(key, 0, OUTBOX_MAX - 1)
        .expire(key, OUTBOX_TTL_SECONDS)
        .exec();
    },
  };
}

const noticeSchema = z.object({
  userId: z.string(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  link: z.object({ label: z.string(), url: z.string() }),
  at: z.number(),
});

/** The user's dev-outbox account notices, newest first. */
export async function readAccountOutbox(
  redis: Redis,
  keyPrefix: string,
  userId: string,
): Promise<AccountNotice[]> {
  const raw = await redis.lrange<unknown>(accountOutboxKey(keyPrefix, userId), 0, OUTBOX_MAX - 1);
  const notices: AccountNotice[] = [];
  for (const item of raw) {
    let json: unknown = item;
    if (typeof item === "string") {
      try {
        json = JSON.parse(item);
      } catch {
        continue;
      }
    }
    const parsed = noticeSchema.safeParse(json);
    if (parsed.success) notices.push(parsed.data);
  }
  return notices;
}
