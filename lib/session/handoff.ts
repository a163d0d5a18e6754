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
import { createSigner } from "./signed";
import { sha256, toBase64Url } from "./token";
import type { Session } from "./types";
import { z } from "zod";

export const HANDOFF_HEADER = "x-session-handoff";

const payloadSchema = z.object({ s: sessionSchema, c: z.string().min(1), e: z.number().int() });

export type HandoffSigner = {
  sign: (session: Session, cookieValue: string) => Promise<string>;
  verify: (header: string | null | undefined, cookieValue: string | undefined) => Promise<Session | null>;
};

export function createHandoffSigner(secret: string, ttlSeconds: number, now: () => number): HandoffSigner {
  const signer = createSigner(secret, "lib/session:handoff:v1");
  const cookieHash = async (cookieValue: string): Promise<string> => toBase64Url(await sha256(cookieValue));

  return {
    async sign(session, cookieValue) {
      const payload = { s: session, c: await cookieHash(cookieValue), e: now() + ttlSeconds * 1000 };
      return signer.sign(payload);
    },

    async verify(header, cookieValue) {
      if (header === null || header === undefined || cookieValue === undefined) return null;
      const json = await signer.open(header, 8192);
      if (json === null) return null;
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
