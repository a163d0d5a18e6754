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

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null;
  const padded = value.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((value.length + 3) % 4);
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** What Redis stores for a token: hex SHA-256. A fast hash is enough: the input has 192 random bits. */
export async function hashSessionToken(token: string): Promise<string> {
  return toHex(await sha256(token));
}
