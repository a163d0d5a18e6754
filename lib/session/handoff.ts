/**
 * Middleware → render hand-off: a signed request header carrying the session middleware just validated.
 *
 * What: middleware validates the cookie (one Redis GET) and forwards `x-session-handoff` to rendering, which then
 * needs no Redis call: a protected request costs ONE Redis command in total.
 * Data model: `<base64url(JSON {s: Session, e: expiry ms})>.<base64url HMAC(body + "\n" + cookie value)>`
 * HMAC-SHA-256 key = HMAC(secret, "lib/session:handoff:v2"), so the cookie-sealing secret is never used directly.
 * Why it cannot be forged or replayed: a client cannot compute the HMAC; the glue strips any incoming copy;
 * `e` limits a captured header to a few seconds; the MAC covers the exact cookie of the request (signed.ts
 * `boundTo`), so it is useless with any other cookie. Anything that fails a check is ignored and the caller asks Redis itself.
 * Seam: header name and lifetime (`handoffTtlSeconds`) are the only knobs.
 */
import { sessionSchema } from "./record";
import { createSigner } from "./signed";
import type { Session } from "./types";
import { z } from "zod";

export const HANDOFF_HEADER = "x-session-handoff";

const payloadSchema = z.object({ s: sessionSchema, e: z.number().int() });

export type HandoffSigner = {
  sign: (session: Session, cookieValue: string) => Promise<string>;
  verify: (header: string | null | undefined, cookieValue: string | undefined) => Promise<Session | null>;
};

export function createHandoffSigner(secret: string, ttlSeconds: number, now: () => number): HandoffSigner {
  const signer = createSigner(secret, "lib/session:handoff:v2");

  return {
    async sign(session, cookieValue) {
      return signer.sign({ s: session, e: now() + ttlSeconds * 1000 }, cookieValue);
    },

    async verify(header, cookieValue) {
      if (header === null || header === undefined || cookieValue === undefined) return null;
      const json = await signer.open(header, 8192, cookieValue);
      if (json === null) return null;
      const parsed = payloadSchema.safeParse(json);
      if (!parsed.success) return null;
      const { s, e } = parsed.data;
      const current = now();
      if (e <= current || e > current + ttlSeconds * 1000) return null;
      if (s.expiresAt <= current || s.absoluteExpiresAt <= current) return null;
      return s;
    },
  };
}
