/**
 * Account mail: the messages an account's owner gets at an address rather than on a device (verify your email,
 * reset your password, "your password was changed"), delivered by the same `Notifier` as new-device notices
 * (notify.ts `sendMail`).
 *
 * What: the `AccountMail` shape the app fills in (it writes the words; the kit only delivers), the dev outbox's
 * per-address mailbox, and the plain-text rendering a console or an email body uses.
 * Data model of the mailbox: `P{mail:<address>}:outbox`, a list of JSON mails, newest first, 20 kept, expiring a
 * day after the last one. The address is URI-encoded and behind "mail:", so it never shares a key with a user's
 * `P{U}:…` (user ids are encoded too, and an encoded id holds no ":").
 * Seam: a real sender implements `Notifier.sendMail` (docs/operations.md); the mailbox is for development and tests
 * only: its links (a verification, a password reset) are bearers, kept in plain text.
 */
import type { Redis } from "@upstash/redis";
import * as z from "zod/mini";

export type AccountMail = {
  /** The address to send to (normalized by the app). */
  to: string;
  /** What the message is about, chosen by the app (e.g. "verify_email"): for logs, filters and the outbox. */
  kind: string;
  subject: string;
  /** The plain-text body, links included. */
  text: string;
  /** The one link the message asks the reader to open, if any (the dev outbox shows it as a link). */
  link?: string;
  /** Epoch ms it was sent. */
  at: number;
};

const MAILBOX_MAX = 20;
const MAILBOX_TTL_SECONDS = 86_400;

function mailboxKey(keyPrefix: string, address: string): string {
  return `${keyPrefix}{mail:${encodeURIComponent(address)}}:outbox`;
}

/** Plain text of a mail for a console line or a log. */
export function describeMail(mail: AccountMail): string {
  return [`To: ${mail.to}`, `Subject: ${mail.subject}`, "", mail.text].join("\n");
}

/** Adds a mail to the dev mailbox of its address (one pipeline: push, trim, expire). */
export async function pushMail(redis: Redis, keyPrefix: string, mail: AccountMail): Promise<void> {
  const key = mailboxKey(keyPrefix, mail.to);
  await redis
    .pipeline()
    .lpush(key, JSON.stringify(mail))
    .ltrim(key, 0, MAILBOX_MAX - 1)
    .expire(key, MAILBOX_TTL_SECONDS)
    .exec();
}

const mailSchema = z.object({
  to: z.string(),
  kind: z.string(),
  subject: z.string(),
  text: z.string(),
  link: z.optional(z.string()),
  at: z.number(),
});

/** The dev mailbox of `address`, newest first (entries that do not parse are skipped). */
export async function readMailOutbox(
  redis: Redis,
  keyPrefix: string,
  address: string,
): Promise<AccountMail[]> {
  const raw = await redis.lrange<unknown>(mailboxKey(keyPrefix, address), 0, MAILBOX_MAX - 1);
  return parseOutboxEntries(raw, mailSchema);
}

/**
 * The entries of a dev outbox list (this mailbox, notify.ts's notices) that parse as `schema`, in order. A client
 * may hand back JSON text or an already decoded value; anything unreadable is skipped.
 */
export function parseOutboxEntries<Schema extends z.ZodMiniType>(
  raw: readonly unknown[],
  schema: Schema,
): z.infer<Schema>[] {
  const entries: z.infer<Schema>[] = [];
  for (const item of raw) {
    let json: unknown = item;
    if (typeof item === "string") {
      try {
        json = JSON.parse(item);
      } catch {
        continue;
      }
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) entries.push(parsed.data);
  }
  return entries;
}
