/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): after a successful sign-in the
 * browser keeps a signed cookie naming that account. Its later sign-in attempts for the same account count against
 * a window of that cookie's own (rate-limit.ts) instead of the account's, so somebody hammering the account from
 * elsewhere closes the account's window for strangers only, never for its owner's known browsers.
 * Value: the kit's signed token (lib/session/signed.ts) of `{a: account digest, n: random id, c: credential
 * version}`, signed by `kit.signer(PURPOSE)`: a key derived from SESSION_SECRET for this purpose alone. The credential version binds the cookie to the
 * password it was earned with: after a password change (the kit raises the version) the cookie no longer counts as
 * known, so a browser that signed in with a stolen password loses its own window. Server only (node:crypto).
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { SessionCookie, SessionKit, Signer } from "@/lib/session";

const PURPOSE = "lib/auth:device-cookie:v2";
const MAX_AGE_SECONDS = 365 * 86_400;
const MAX_LENGTH = 512;

const payloadSchema = z.object({
  a: z.string().min(1).max(64),
  n: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  c: z.string().regex(/^\d{1,20}$/),
});

/** The account an attempt is for, as stored in the cookie: a digest, never the email itself. */
export function accountDigest(normalizedEmail: string): string {
  return createHash("sha256").update(normalizedEmail).digest("base64url");
}

const signers = new WeakMap<SessionKit, Signer>();
function signerFor(kit: SessionKit): Signer {
  let signer = signers.get(kit);
  if (signer === undefined) {
    signer = kit.signer(PURPOSE);
    signers.set(kit, signer);
  }
  return signer;
}

/**
 * The cookie's id when `value` is a genuine device cookie for this account at its current credential version
 * (the kit's `readCredentialVersion`), else undefined (forged, truncated, for another account, earned with a
 * password that has since changed, or absent).
 */
export async function readDeviceCookie(
  kit: SessionKit,
  value: string | undefined,
  normalizedEmail: string,
  credentialVersion: string,
): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const parsed = payloadSchema.safeParse(await signerFor(kit).open(value, MAX_LENGTH));
  if (!parsed.success || parsed.data.a !== accountDigest(normalizedEmail)) return undefined;
  if (parsed.data.c !== credentialVersion) return undefined;
  return parsed.data.n;
}

/**
 * The device cookie to set after a successful sign-in or password change: it keeps `id` (the browser's previous
 * cookie for this account) so the browser keeps its window, or starts a new one, and is bound to the credential
 * version the new session was created under. Named after the session cookie, with its Secure flag and `__Host-`
 * prefix.
 */
export async function deviceCookie(
  kit: SessionKit,
  sessionCookie: SessionCookie,
  normalizedEmail: string,
  id: string | undefined,
  credentialVersion: string,
): Promise<SessionCookie> {
  const payload = {
    a: accountDigest(normalizedEmail),
    n: id ?? randomBytes(16).toString("base64url"),
    c: credentialVersion,
  };
  return {
    name: deviceCookieName(sessionCookie.name),
    value: await signerFor(kit).sign(payload),
    options: { ...sessionCookie.options, maxAge: MAX_AGE_SECONDS },
  };
}

export function deviceCookieName(sessionCookieName: string): string {
  return `${sessionCookieName}-device`;
}
