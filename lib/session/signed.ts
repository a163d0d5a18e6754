/**
 * Signed tokens: `<base64url(JSON payload)>.<base64url HMAC-SHA-256>`, used for the middleware → render hand-off
 * header (handoff.ts) and the "This wasn't me" links (notify.ts).
 *
 * Each use gets its own key, HMAC(secret, purpose) — domain separation, so a token minted for one purpose never
 * verifies as another and the cookie-sealing secret is never used as an HMAC key directly.
 * `open` checks the MAC (in constant time, via `crypto.subtle.verify`) before parsing anything; the caller then
 * validates the JSON with zod and checks its own expiry rules.
 * Binding: `boundTo` (e.g. the cookie a hand-off header belongs to) is MACed with the body but not carried in the
 * token, so the token only opens beside that exact value. Cheaper than hashing the value into the payload: one
 * Web Crypto call per side instead of two. The body is base64url (no "\n"), so `body + "\n" + boundTo` is
 * unambiguous.
 * Seam: swap the MAC here for every signed token at once.
 */
import { fromBase64Url, toBase64Url } from "./token";

export type Signer = {
  sign: (payload: unknown, boundTo?: string) => Promise<string>;
  /** The parsed JSON payload, or null for anything forged, truncated, oversized, not JSON or bound elsewhere. */
  open: (token: string, maxLength: number, boundTo?: string) => Promise<unknown>;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function macInput(body: string, boundTo: string | undefined): Uint8Array<ArrayBuffer> {
  return encoder.encode(boundTo === undefined ? body : `${body}\n${boundTo}`);
}

async function deriveKey(secret: string, purpose: string): Promise<CryptoKey> {
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

/** `purpose` names the use and version, e.g. "lib/session:handoff:v2". */
export function createSigner(secret: string, purpose: string): Signer {
  let key: Promise<CryptoKey> | undefined;
  const getKey = (): Promise<CryptoKey> => (key ??= deriveKey(secret, purpose));
  return {
    async sign(payload, boundTo) {
      const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
      const mac = await crypto.subtle.sign("HMAC", await getKey(), macInput(body, boundTo));
      return `${body}.${toBase64Url(new Uint8Array(mac))}`;
    },

    async open(token, maxLength, boundTo) {
      if (token.length > maxLength) return null;
      const [body, mac, extra] = token.split(".");
      if (body === undefined || mac === undefined || extra !== undefined) return null;
      const macBytes = fromBase64Url(mac);
      const bodyBytes = fromBase64Url(body);
      if (macBytes === null || bodyBytes === null) return null;
      const valid = await crypto.subtle.verify("HMAC", await getKey(), macBytes, macInput(body, boundTo));
      if (!valid) return null;
      try {
        return JSON.parse(decoder.decode(bodyBytes)) as unknown;
      } catch {
        return null;
      }
    },
  };
}
