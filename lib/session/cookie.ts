/**
 * The session cookie: sealing, unsealing, and its attributes.
 *
 * What: the cookie value is an iron-session seal (AES-256-CBC + HMAC-SHA-256, Web Crypto) of the minimum the
 * server needs to find the session: `{ u: userId, t: token }`, plus, only when the zero-round-trip window is on,
 * a snapshot of the last validation `{ s: Session, v: validatedAt }`. A forged, truncated or foreign cookie fails
 * the HMAC here, before any Redis call.
 * Data model: secrets → iron password map `{ [id]: secret }`. The id of each secret is derived from the secret
 * itself (first 24 bits of its SHA-256), so ids stay stable however you reorder SESSION_SECRET_PREVIOUS.
 * iron-session 8's `sealData` seals with the numerically LARGEST id of the map it is given, so we seal with a map
 * holding only the current secret and unseal with the full map.
 * Twins: a request can carry several cookies of one name (one tossed from a sibling subdomain or set for a
 * longer path is sent too); `sessionCookieValues` reads them all and `pickSessionCookie` validates them in order.
 * Seam: replace `sealCookie`/`unsealCookie` to use another sealing scheme; keep the payload minimal.
 */
import { sealData, unsealData } from "iron-session";
import * as z from "zod/mini";
import type { SessionConfig } from "./config";
import { sessionSchema } from "./record";
import { sha256, toHex } from "./token";
import { ENDED_REASONS, type EndedReason } from "./reasons";
import type { Session, SessionCookie, ValidationResult } from "./types";

export type CookiePayload = { u: string; t: string; s?: Session; v?: number };

const payloadSchema = z.object({
  u: z.string().check(z.minLength(1), z.maxLength(256)),
  t: z.string().check(z.regex(/^[A-Za-z0-9_-]{32}$/)),
  s: z.optional(sessionSchema),
  v: z.optional(z.int().check(z.nonnegative())),
});

/** Browsers drop cookies above ~4096 bytes; anything longer is not ours. */
const MAX_COOKIE_LENGTH = 4096;

export type PasswordMap = Record<string, string>;
export type Passwords = { seal: PasswordMap; unseal: PasswordMap };

async function secretId(secret: string): Promise<string> {
  // The id travels in clear inside the seal; 24 bits of a hash of a ≥32-character secret reveal nothing usable.
  const hex = toHex(await sha256(`lib/session:password-id:${secret}`)).slice(0, 6);
  return String(parseInt(hex, 16) + 1);
}

/** Builds the iron-session password maps: seal with the current secret only, unseal with all of them. */
export async function buildPasswords(
  config: Pick<SessionConfig, "secret" | "previousSecrets">,
): Promise<Passwords> {
  const currentId = await secretId(config.secret);
  const unseal: PasswordMap = { [currentId]: config.secret };
  for (const previous of config.previousSecrets) {
    const id = await secretId(previous);
    if (unseal[id] === undefined) unseal[id] = previous;
  }
  return { seal: { [currentId]: config.secret }, unseal };
}

/** Seals a payload. `ttlSeconds` bounds the seal itself (iron checks it with the real wall clock). */
export async function sealCookie(
  payload: CookiePayload,
  passwords: Passwords,
  ttlSeconds: number,
): Promise<string> {
  return sealData(payload, { password: passwords.seal, ttl: Math.max(1, Math.ceil(ttlSeconds)) });
}

/** Unseals a cookie value; `null` for anything forged, truncated, expired, sealed with an unknown secret or odd. */
export async function unsealCookie(value: string, passwords: Passwords): Promise<CookiePayload | null> {
  if (value.length === 0 || value.length > MAX_COOKIE_LENGTH || !value.startsWith("Fe26.2*")) return null;
  let data: unknown;
  try {
    // iron-session returns {} for bad HMAC/expiry but rethrows other parse errors ("Invalid expiration", ...).
    data = await unsealData(value, { password: passwords.unseal });
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(data);
  if (!parsed.success) return null;
  const { u, t, s, v } = parsed.data;
  return { u, t, ...(s === undefined ? {} : { s }), ...(v === undefined ? {} : { v }) };
}

/**
 * The cookie to set. `maxAgeSeconds` comes from the same profile as the Redis TTL, so it cannot outlive it;
 * `undefined` makes a browser-session cookie (no Max-Age, no Expires): the browser drops it when it closes
 * (OWASP Session Management: non-persistent cookies unless the user asked to be remembered).
 */
export function buildCookie(
  config: Pick<SessionConfig, "cookieName" | "secureCookie">,
  value: string,
  maxAgeSeconds: number | undefined,
): SessionCookie {
  // HttpOnly: page scripts (and XSS) cannot read the token. Lax: not sent on cross-site POSTs (CSRF).
  const options: SessionCookie["options"] = {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: config.secureCookie,
  };
  if (maxAgeSeconds !== undefined) options.maxAge = Math.max(0, Math.floor(maxAgeSeconds));
  return { name: config.cookieName, value, options };
}

/** How many values of the session cookie one request may make us unseal (junk costs an HMAC, no Redis). */
export const MAX_SESSION_COOKIES = 10;
/** How many of them that unseal may be looked up in Redis (one command each). */
export const MAX_SESSION_LOOKUPS = 3;

/** Each value of cookie `name` in a Cookie header, in order, decoded the way Next's own parser does. */
function* cookieValuesOf(header: string | null | undefined, name: string): Generator<string> {
  for (const pair of (header ?? "").split(/; */)) {
    const at = pair.indexOf("=");
    if (at === -1 || pair.slice(0, at) !== name) continue;
    try {
      yield decodeURIComponent(pair.slice(at + 1));
    } catch {
      // Next's parser skips a value it cannot decode, and so do we.
    }
  }
}

/**
 * Every non-empty value of cookie `name` in a Cookie request header, in header order, at most
 * MAX_SESSION_COOKIES. Frameworks' `cookies.get(name)` keep one of them (Next: the last); a twin tossed in by
 * another subdomain or path must not hide the browser's own cookie.
 */
export function sessionCookieValues(header: string | null | undefined, name: string): string[] {
  const values: string[] = [];
  for (const value of cookieValuesOf(header, name)) {
    if (value === "" || values.includes(value)) continue;
    values.push(value);
    if (values.length === MAX_SESSION_COOKIES) break;
  }
  return values;
}

/** The one value `cookies().get(name)` reads from this header (Next keeps the last), or undefined. */
export function lastCookieValue(header: string | null | undefined, name: string): string | undefined {
  let last: string | undefined;
  for (const value of cookieValuesOf(header, name)) last = value;
  return last;
}

/**
 * Validates cookie values in order until one is a live session, and returns that one. A value that does not
 * unseal ("malformed") costs no Redis command and takes no lookup slot, so junk cannot push the live cookie out,
 * and the usual case (one cookie, or junk plus one) stays one command; at most MAX_SESSION_LOOKUPS values that
 * unseal are looked up. "unavailable" stops the search: fail closed for this request and keep every cookie.
 * When none is live, the answer is the first value that unsealed (its reason, e.g. "revoked", is worth telling),
 * else the first value ("malformed"). Misuse: throws without any value (check for none first: that is "missing").
 */
export async function pickSessionCookie<R extends ValidationResult>(
  values: readonly string[],
  validate: (value: string) => Promise<R>,
): Promise<{ value: string; result: R }> {
  let best: { value: string; result: R; reason: string } | undefined;
  let lookups = 0;
  for (const value of values.slice(0, MAX_SESSION_COOKIES)) {
    if (lookups === MAX_SESSION_LOOKUPS) break;
    const result = await validate(value);
    const judged: ValidationResult = result;
    if (judged.ok || judged.reason === "unavailable") return { value, result };
    if (judged.reason !== "malformed") lookups += 1;
    if (best === undefined || (best.reason === "malformed" && judged.reason !== "malformed")) {
      best = { value, result, reason: judged.reason };
    }
  }
  if (best === undefined) throw new Error("session: pickSessionCookie needs at least one cookie value");
  return { value: best.value, result: best.result };
}

/**
 * Why this browser's session ended, kept for the user after the session cookie itself is cleared.
 * Whichever request first finds a session ended clears its cookie, and that is often not the one the user reads:
 * a router prefetch (Next.js hides its prefetch headers from middleware), another tab, a background fetch. This
 * small cookie carries the reason to the user's next protected navigation. It holds one word of an enum, no id.
 */
export function endedCookieName(config: Pick<SessionConfig, "cookieName">): string {
  return `${config.cookieName}-ended`;
}

const endedReasonSchema = z.enum(ENDED_REASONS);

/** The reason in an ended cookie's value; undefined for anything else (absent, forged, old). */
export function parseEndedReason(value: string | undefined): EndedReason | undefined {
  const parsed = endedReasonSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The ended cookie for `reason`, or with `null` the one that deletes it. Same attributes as the session cookie. */
export function buildEndedCookie(
  config: Pick<SessionConfig, "cookieName" | "secureCookie" | "markerTtlSeconds">,
  reason: EndedReason | null,
): SessionCookie {
  const cookie = buildCookie(config, reason ?? "", reason === null ? 0 : config.markerTtlSeconds);
  return { ...cookie, name: endedCookieName(config) };
}
