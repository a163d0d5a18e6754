/**
 * Signed tokens: `<base64url(JSON payload)>.<base64url HMAC-SHA-256>`, used for the middleware → render hand-off
 * header (handoff.ts) and the "This wasn't me" links (notify.ts).
 *
 * Each use gets its own key, HMAC(secret, purpose) — domain separation, so a token minted for one purpose never
 * verifies as another and the cookie-sealing secret is never used as an HMAC key directly.
 * `open` checks the MAC (in constant time, via `crypto.subtle.verify`) before parsing anything; the caller then
 * validates the JSON with zod and checks its own expiry/binding rules.
 * Seam: swap the MAC here for every signed token at once.
 */
import { fromBase64Url, toBase64Url } from "./token";

export type Signer = {
  sign: (payload: unknown) => Promise<string>;
  /** The parsed JSON payload, or null for anything forged, truncated, oversized or not JSON. */
  open: (token: string, maxLength: number) => Promise<unknown>;
};

async function deriveKey(secret: string, purpose: string): Promise<CryptoKey> {
  const encoder = new TextEncoder();
  const master = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const derived = await crypto.subtle.sign("HMAC", master, encoder.encode(purpose));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** `purpose` names the use and version, e.g. "lib/session:handoff:v1". */
export function createSigner(secret: string, purpose: string): Signer {
  let key: Promise<CryptoKey> | undefined;
  const getKey = (): Promise<CryptoKey> => (key ??= deriveKey(secret, purpose));
  return {
    async sign(payload) {
      const body = toBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
      const mac = await crypto.subtle.sign("HMAC", await getKey(), new TextEncoder().encode(body));
      return `${body}.${toBase64Url(new Uint8Array(mac))}`;
    },

    async open(token, maxLength) {
      if (token.length > maxLength) return null;
      const [body, mac, extra] = token.split(".");
      if (body === undefined || mac === undefined || extra !== undefined) return null;
      const macBytes = fromBase64Url(mac);
      const bodyBytes = fromBase64Url(body);
      if (macBytes === null || bodyBytes === null) return null;
      const valid = await crypto.subtle.verify(
        "HMAC",
        await getKey(),
        macBytes,
        new TextEncoder().encode(body),
      );
      if (!valid) return null;
      try {
        return JSON.parse(new TextDecoder().decode(bodyBytes)) as unknown;
      } catch {
        return null;
      }
    },
  };
}
