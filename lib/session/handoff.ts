/**
 * Middleware → render hand-off: a signed request header carrying the session middleware just validated.
 *
 * What: middleware validates the cookie (one Redis GET) and forwards `x-session-handoff` to rendering, which then
 * needs no Redis call: a protected request costs ONE Redis command in total.
 * Data model: `<base64url(JSON {s: Session, c: base64url SHA-256(cookie value), e: expiry ms})>.<base64url HMAC>`
 * HMAC-SHA-256 key = HMAC(secret, "lib/session:handoff:v1"), so the cookie-sealing secret is never used directly.
 * Why it cannot be forged or replayed: a client cannot compute the HMAC; the glue strips any incoming copy;
 * `e` limits a captured header to a few seconds; `c` binds it to the exact cookie of the request, so it is
 * useless with any other cookie. Anything that fails a check is ignored and the caller asks Redis itself.
 * Seam: header name and lifetime (`handoffTtlSeconds`) are the only knobs.
 */
import { sessionSchema } from "./record";
import { fromBase64Url, sha256, toBase64Url } from "./token";
import type { Session } from "./types";
import { z } from "zod";

export const HANDOFF_HEADER = "x-session-handoff";

const payloadSchema = z.object({ s: sessionSchema, c: z.string().min(1), e: z.number().int() });

export type HandoffSigner = {
  sign: (session: Session, cookieValue: string) => Promise<string>;
  verify: (header: string | null | undefined, cookieValue: string | undefined) => Promise<Session | null>;
};

async function deriveKey(secret: string): Promise<CryptoKey> {
  const encoder = new TextEncoder();
  const master = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  // Domain separation: a key used only for hand-off headers.
  const derived = await crypto.subtle.sign("HMAC", master, encoder.encode("lib/session:handoff:v1"));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export function createHandoffSigner(secret: string, ttlSeconds: number, now: () => number): HandoffSigner {
  let key: Promise<CryptoKey> | undefined;
  const getKey = (): Promise<CryptoKey> => (key ??= deriveKey(secret));
  const cookieHash = async (cookieValue: string): Promise<string> => toBase64Url(await sha256(cookieValue));

  return {
    async sign(session, cookieValue) {
      const payload = { s: session, c: await cookieHash(cookieValue), e: now() + ttlSeconds * 1000 };
      const body = toBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
      const mac = await crypto.subtle.sign("HMAC", await getKey(), new TextEncoder().encode(body));
      return `${body}.${toBase64Url(new Uint8Array(mac))}`;
    },

    async verify(header, cookieValue) {
      if (header === null || header === undefined || cookieValue === undefined || header.length > 8192)
        return null;
      const [body, mac, extra] = header.split(".");
      if (body === undefined || mac === undefined || extra !== undefined) return null;
      const macBytes = fromBase64Url(mac);
      const bodyBytes = fromBase64Url(body);
      if (macBytes === null || bodyBytes === null) return null;
      // subtle.verify compares in constant time.
      const valid = await crypto.subtle.verify(
        "HMAC",
        await getKey(),
        macBytes,
        new TextEncoder().encode(body),
      );
      if (!valid) return null;
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bodyBytes));
      } catch {
        return null;
      }
      const parsed = payloadSchema.safeParse(json);
      if (!parsed.success) return null;
      const { s, c, e } = parsed.data;
      const current = now();
      if (e <= current || e > current + ttlSeconds * 1000) return null;
      if (c !== (await cookieHash(cookieValue))) return null;
      if (s.expiresAt <= current || s.absoluteExpiresAt <= current) return null;
      return s;
    },
  };
}
