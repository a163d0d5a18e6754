/**
 * Session tokens, public ids and hashing.
 *
 * What: the random secrets that identify a session and the one-way hash Redis stores instead of them.
 * Data model: token = nanoid(32) (32 × 6 = 192 random bits) lives only in the sealed cookie; Redis keys use
 * hex(SHA-256(token)), so a leaked Redis dump or key listing cannot be replayed as a cookie. The public id is a
 * separate nanoid shown to pages, unrelated to the token.
 * Seam: swap the generators here (keep ≥128 bits of entropy); everything else only calls these functions.
 */
import { nanoid } from "nanoid";

export const TOKEN_LENGTH = 32;
export const PUBLIC_ID_LENGTH = 21;
const NANOID_ALPHABET = /^[A-Za-z0-9_-]+$/;

/** A new session token (192 bits). Never log it, never store it server-side. */
export function generateSessionToken(): string {
  return nanoid(TOKEN_LENGTH);
}

/** A new opaque public session id (126 bits), what pages list and revoke sessions by. */
export function generatePublicId(): string {
  return nanoid(PUBLIC_ID_LENGTH);
}

export function isSessionToken(value: string): boolean {
  return value.length === TOKEN_LENGTH && NANOID_ALPHABET.test(value);
}

export function isPublicId(value: string): boolean {
  return value.length === PUBLIC_ID_LENGTH && NANOID_ALPHABET.test(value);
}

/** SHA-256 of a UTF-8 string (Web Crypto: Edge and Node). */
export async function sha256(value: string): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return new Uint8Array(digest);
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] ?? 0];
  return out;
}

// base64url by table, not btoa/atob: Node's (and the Edge sandbox's) btoa/atob validate one character at a time
// through string allocations, which showed up in the per-request profile of the hand-off header.
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64URL_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_VALUE[B64URL.charCodeAt(i)] = i;

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  const char = (sextet: number): string => B64URL.charAt(sextet & 63);
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += char(n >>> 18) + char(n >>> 12) + char(n >>> 6) + char(n);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out += char(n >>> 18) + char(n >>> 12) + (rest === 2 ? char(n >>> 6) : "");
  }
  return out;
}

/** Decodes unpadded base64url; null for any other alphabet, for padding, or for an impossible length. */
export function fromBase64Url(value: string): Uint8Array<ArrayBuffer> | null {
  if (value.length % 4 === 1) return null;
  const bytes = new Uint8Array(Math.floor((value.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let at = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const sextet = code < 128 ? (B64URL_VALUE[code] ?? -1) : -1;
    if (sextet < 0) return null;
    buffer = ((buffer << 6) | sextet) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (buffer >>> bits) & 0xff;
    }
  }
  return bytes;
}

/** What Redis stores for a token: hex SHA-256. A fast hash is enough: the input has 192 random bits. */
export async function hashSessionToken(token: string): Promise<string> {
  return toHex(await sha256(token));
}
