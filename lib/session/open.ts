/**
 * The cookie and the record, each way: opening a cookie and decoding a record (both cached per kit), and
 * issuing the cookie for a session.
 *
 * What: `openCookie` unseals a cookie value and hashes its token; `decodeRecord` parses a session key's value;
 * `issueCookie` seals the cookie for a session. The two caches hold what a browser's repeat requests would
 * otherwise recompute: the unseal and the SHA-256, and the zod decode — most of a validation's own CPU next to
 * its one GET. Both are bounded (insertion-ordered maps; the oldest entry goes first).
 * Why reuse is safe: liveness, expiry and revocation are still decided by the Redis record on every validation
 * (validate.ts `judge`); a decode is a pure function of the stored text, and callers get their own copy.
 * Seam: cookie.ts does the sealing; record.ts the parsing.
 */
import { putBounded } from "./bounded";
import { buildCookie, sealCookie, unsealCookie, type CookiePayload } from "./cookie";
import type { OpenedCookie, SessionContext } from "./context";
import { decodeStoredValue, type StoredValue } from "./record";
import { hashSessionToken } from "./token";
import type { Session, SessionCookie } from "./types";

/** How long, and how many, opened cookies a kit keeps. */
const OPENED_TTL_MS = 60_000;
const OPENED_MAX = 1000;
const DECODED_MAX = 1000;

/** The caller's own copy of a cached decode: nobody can change what the next validation reads. */
function copyStored(stored: StoredValue): StoredValue {
  if (stored.kind !== "session") return stored;
  return { kind: "session", session: { ...stored.session, device: { ...stored.session.device } } };
}

/** The cookie's payload and token hash, or null for a missing, forged, truncated or foreign cookie. */
export async function openCookie(
  ctx: SessionContext,
  cookieValue: string | undefined,
): Promise<OpenedCookie | null> {
  if (cookieValue === undefined || cookieValue === "") return null;
  const clock = ctx.now();
  const hit = ctx.opened.get(cookieValue);
  if (hit !== undefined && hit.until > clock) return hit;
  const payload = await unsealCookie(cookieValue, await ctx.passwords());
  if (payload === null) return null;
  const entry = { payload, hash: await hashSessionToken(payload.t), until: clock + OPENED_TTL_MS };
  putBounded(ctx.opened, cookieValue, entry, OPENED_MAX);
  return entry;
}

/** A session key's value (a GET's or a script's reply) decoded, keyed by its exact text. */
export function decodeRecord(ctx: SessionContext, value: unknown): StoredValue {
  if (typeof value !== "string") return decodeStoredValue(value);
  let stored = ctx.decoded.get(value);
  if (stored === undefined) {
    stored = decodeStoredValue(value);
    putBounded(ctx.decoded, value, stored, DECODED_MAX);
  }
  return copyStored(stored);
}

/**
 * Cookie for a session; with the revalidate window on, it carries the validated snapshot. Persistent (Max-Age:
 * the absolute lifetime left) only for "remember me"; otherwise a browser-session cookie. The seal itself
 * expires with the absolute lifetime either way.
 */
export async function issueCookie(
  ctx: SessionContext,
  token: string,
  session: Session,
  at: number,
): Promise<SessionCookie> {
  const payload: CookiePayload = { u: session.userId, t: token };
  if (ctx.windowMs > 0) {
    payload.s = session;
    payload.v = at;
  }
  const lifetimeSeconds = (session.absoluteExpiresAt - at) / 1000;
  // The seal's own TTL is checked by iron against the wall clock; the record (by `now`) decides liveness.
  const value = await sealCookie(payload, await ctx.passwords(), lifetimeSeconds);
  return buildCookie(ctx.config, value, session.remember ? lifetimeSeconds : undefined);
}
