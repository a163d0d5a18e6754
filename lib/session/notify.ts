/**
 * New-device sign-in notices and their signed, single-use, expiring "This wasn't me" link.
 *
 * What: a `Notifier` interface with two implementations — `consoleNotifier` (logs the notice) and
 * `outboxNotifier` (a per-user dev outbox in Redis that a dev page or a test reads) — and the report token the
 * link carries. Both keep the link, a bearer that signs a device out, in plain text (logs, Redis): they are
 * for development and tests, not production. Plug an email provider by implementing `notifyNewDevice` and
 * `sendMail` (account mail, mail.ts; docs/operations.md has the whole example), e.g. with Resend:
 *
 *   const emailNotifier = (lookupEmail: (userId: string) => Promise<string>): Notifier => ({
 *     async notifyNewDevice(notice) {
 *       await fetch("https://api.resend.com/emails", {
 *         method: "POST",
 *         headers: { authorization: `Bearer ${process.env.RESEND_API_KEY}`, "content-type": "application/json" },
 *         body: JSON.stringify({ from: "security@example.com", to: await lookupEmail(notice.userId),
 *           subject: "New sign-in to your account", text: describeNotice(notice) }),
 *       });
 *     },
 *   });
 *
 * Report token: `<base64url(JSON {u: userId, s: session public id, e: expiry ms, n: nonce})>.<base64url HMAC>`,
 * HMAC-SHA-256 with a key derived from the session secret ("lib/session:report:v1"). Redeeming it
 * (`kit.redeemReportToken`) is one script in the user's hash slot: `SET P{U}:report:<nonce> NX` makes it
 * single-use, then the session with that public id is revoked (only in this user's index).
 * Data model of the outbox: `P{U}:outbox`, a list of JSON notices, newest first, 20 kept, expiring after a day.
 * Seam: the link's page should ask for a confirmation click (POST): mail scanners GET every link they see.
 */
import type { Redis } from "@upstash/redis";
import * as z from "zod/mini";
import { describeMail, parseOutboxEntries, pushMail, type AccountMail } from "./mail";
import { createSigner } from "./signed";
import type { DeviceInfo } from "./types";

export type NewDeviceNotice = {
  userId: string;
  /** Public id of the new session. */
  sessionId: string;
  device: DeviceInfo;
  /** Epoch ms of the sign-in. */
  at: number;
  /** The signed "This wasn't me" link. */
  reportUrl: string;
};

export interface Notifier {
  notifyNewDevice(notice: NewDeviceNotice): Promise<void>;
  /** Delivers an account mail (mail.ts): a verification or reset link, "your password was changed". */
  sendMail(mail: AccountMail): Promise<void>;
}

/** Plain-text body of a notice (for email or logs). */
export function describeNotice(notice: NewDeviceNotice): string {
  const { browser, os, ip, location } = notice.device;
  const where = [browser ?? "A browser", os === undefined ? "" : `on ${os}`].join(" ").trim();
  const from = [ip, location].filter((part) => part !== undefined && part !== "").join(", ");
  return [
    `New sign-in to your account: ${where}${from === "" ? "" : ` (${from})`} at ${new Date(notice.at).toISOString()}.`,
    `If this wasn't you, sign that device out and change your password: ${notice.reportUrl}`,
  ].join("\n");
}

export function consoleNotifier(log: (message: string) => void = console.info): Notifier {
  return {
    async notifyNewDevice(notice) {
      log(`session: new-device notice for user ${notice.userId}\n${describeNotice(notice)}`);
    },
    async sendMail(mail) {
      log(`session: ${mail.kind} mail\n${describeMail(mail)}`);
    },
  };
}

const OUTBOX_MAX = 20;
const OUTBOX_TTL_SECONDS = 86_400;

function outboxKey(keyPrefix: string, userId: string): string {
  return `${keyPrefix}{${encodeURIComponent(userId)}}:outbox`;
}

/**
 * Dev outbox: notices land in Redis (`P{U}:outbox`), account mail in its address's mailbox (mail.ts), for a dev
 * page or a test to read. Not for production mail.
 */
export function outboxNotifier(redis: Redis, keyPrefix: string): Notifier {
  return {
    async notifyNewDevice(notice) {
      const key = outboxKey(keyPrefix, notice.userId);
      await redis
        .pipeline()
        .lpush(key, JSON.stringify(notice))
        .ltrim(key, 0, OUTBOX_MAX - 1)
        .expire(key, OUTBOX_TTL_SECONDS)
        .exec();
    },
    async sendMail(mail) {
      await pushMail(redis, keyPrefix, mail);
    },
  };
}

const noticeSchema = z.object({
  userId: z.string(),
  sessionId: z.string(),
  device: z.looseObject({ userAgent: z.string() }),
  at: z.number(),
  reportUrl: z.string(),
});

/** The user's dev-outbox notices, newest first. */
export async function readOutbox(
  redis: Redis,
  keyPrefix: string,
  userId: string,
): Promise<NewDeviceNotice[]> {
  const raw = await redis.lrange<unknown>(outboxKey(keyPrefix, userId), 0, OUTBOX_MAX - 1);
  return parseOutboxEntries(raw, noticeSchema) as NewDeviceNotice[];
}

export type ReportPayload = { userId: string; sessionId: string; expiresAt: number; nonce: string };

const payloadSchema = z.object({
  u: z.string().check(z.minLength(1), z.maxLength(256)),
  s: z.string().check(z.minLength(1), z.maxLength(64)),
  e: z.int(),
  n: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
});

export type ReportSigner = {
  sign(userId: string, sessionId: string, nonce: string, ttlSeconds: number): Promise<string>;
  /** The payload, "expired", or null for anything forged, truncated or malformed. */
  verify(token: string): Promise<ReportPayload | "expired" | null>;
};

export function createReportSigner(secret: string, now: () => number): ReportSigner {
  const signer = createSigner(secret, "lib/session:report:v1");
  return {
    async sign(userId, sessionId, nonce, ttlSeconds) {
      const payload = { u: userId, s: sessionId, e: now() + ttlSeconds * 1000, n: nonce };
      return signer.sign(payload);
    },

    async verify(token) {
      const json = await signer.open(token, 2048);
      if (json === null) return null;
      const parsed = payloadSchema.safeParse(json);
      if (!parsed.success) return null;
      if (parsed.data.e <= now()) return "expired";
      return {
        userId: parsed.data.u,
        sessionId: parsed.data.s,
        expiresAt: parsed.data.e,
        nonce: parsed.data.n,
      };
    },
  };
}
