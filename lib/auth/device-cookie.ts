/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): after a successful sign-in the
 * browser keeps a signed cookie naming that account. Its later sign-in attempts for the same account count against
 * a window of that cookie's own (rate-limit.ts) instead of the account's, so somebody hammering the account from
 * elsewhere closes the account's window for strangers only, never for its owner's known browsers.
 * Value: `<base64url(JSON {a: account digest, n: random id})>.<base64url HMAC-SHA-256>`, key derived from
 * SESSION_SECRET. Server only (node:crypto).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { SessionCookie } from "@/lib/session";

const PURPOSE = "lib/auth:device-cookie:v1";
const MAX_AGE_SECONDS = 365 * 86_400;
const MAX_LENGTH = 512;

const payloadSchema = z.object({ a: z.string().min(1).max(64), n: z.string().regex(/^[A-Za-z0-9_-]{22}$/) });

/** The account an attempt is for, as stored in the cookie: a digest, never the email itself. */
export function accountDigest(normalizedEmail: string): string {
  return createHash("sha256").update(normalizedEmail).digest("base64url");
}

function mac(secret: string, body: string): Buffer {
  const key = createHmac("sha256", secret).update(PURPOSE).digest();
  return createHmac("sha256", key).update(body).digest();
}

/**
 * The cookie's id when `value` is a genuine device cookie for this account, else undefined (forged, truncated,
 * for another account, or absent).
 */
export function readDeviceCookie(
  secret: string,
  value: string | undefined,
  normalizedEmail: string,
): string | undefined {
  if (value === undefined || value.length > MAX_LENGTH) return undefined;
  const [body, signature, extra] = value.split(".");
  if (body === undefined || signature === undefined || extra !== undefined) return undefined;
  const expected = mac(secret, body);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success || parsed.data.a !== accountDigest(normalizedEmail)) return undefined;
  return parsed.data.n;
}

/**
 * The device cookie to set after a successful sign-in: it keeps `id` (the browser's previous cookie for this
 * account) so the browser keeps its window, or starts a new one. Named after the session cookie, with its
 * Secure flag and `__Host-` prefix.
 */
export function deviceCookie(
  secret: string,
  sessionCookie: SessionCookie,
  normalizedEmail: string,
  id: string | undefined,
): SessionCookie {
  const payload = { a: accountDigest(normalizedEmail), n: id ?? randomBytes(16).toString("base64url") };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return {
    name: deviceCookieName(sessionCookie.name),
    value: `${body}.${mac(secret, body).toString("base64url")}`,
    options: { ...sessionCookie.options, maxAge: MAX_AGE_SECONDS },
  };
}

export function deviceCookieName(sessionCookieName: string): string {
  return `${sessionCookieName}-device`;
}
