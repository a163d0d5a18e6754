/**
 * Single-use links of the account flows: "verify" (sign-up, 24 hours) and "reset" (password reset, 30 minutes).
 * The link carries 32 random bytes; Redis holds only their SHA-256 (keys.ts `accountTokenKey`), so a copy of the
 * database opens no account. Redeeming is one GETDEL: of two clicks racing, one gets the record, the other
 * nothing. Expiry is decided by the clock passed in (tests move it), the key's TTL only collects garbage.
 * A reset link also carries the credential version it was issued under: once the password changed (by a reset or
 * from a session), every reset link sent before stops working.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { authEnv } from "./env";
import { accountTokenKey } from "./keys";
import { authRedis } from "./redis";

export type TokenPurpose = "verify" | "reset";

export const TOKEN_TTL_SECONDS: Record<TokenPurpose, number> = { verify: 24 * 3600, reset: 30 * 60 };

const GARBAGE_SLACK_SECONDS = 60;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const recordSchema = z.object({
  u: z.string().min(1).max(256),
  e: z.number().int(),
  c: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
});

export type TokenRecord = { userId: string; expiresAt: number; credentialVersion?: string };
export type RedeemResult =
  { ok: true; record: TokenRecord } | { ok: false; reason: "invalid" | "expired" | "unavailable" };

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new link token for `userId`; what the mail carries. Redis keeps only its hash. */
export async function issueAccountToken(
  purpose: TokenPurpose,
  userId: string,
  options: { now?: () => number; credentialVersion?: string } = {},
): Promise<{ ok: true; token: string; expiresAt: number } | { ok: false; reason: "unavailable" }> {
  const now = options.now ?? Date.now;
  const token = randomBytes(32).toString("base64url");
  const ttlSeconds = TOKEN_TTL_SECONDS[purpose];
  const expiresAt = now() + ttlSeconds * 1000;
  const record = {
    u: userId,
    e: expiresAt,
    ...(options.credentialVersion === undefined ? {} : { c: options.credentialVersion }),
  };
  try {
    await authRedis().set(accountTokenKey(authEnv().AUTH_KEY_PREFIX, purpose, tokenHash(token)), record, {
      ex: ttlSeconds + GARBAGE_SLACK_SECONDS,
    });
    return { ok: true, token, expiresAt };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/** Uses up the link: the first call gets its record (or "expired"), every later one "invalid". */
export function redeemAccountToken(
  purpose: TokenPurpose,
  token: string,
  now: () => number = Date.now,
): Promise<RedeemResult> {
  return readToken(purpose, token, now, (key) => authRedis().getdel(key));
}

/** What `redeemAccountToken` would answer, without using the link up (to check a form before spending it). */
export function peekAccountToken(
  purpose: TokenPurpose,
  token: string,
  now: () => number = Date.now,
): Promise<RedeemResult> {
  return readToken(purpose, token, now, (key) => authRedis().get(key));
}

async function readToken(
  purpose: TokenPurpose,
  token: string,
  now: () => number,
  read: (key: string) => Promise<unknown>,
): Promise<RedeemResult> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: "invalid" };
  let raw: unknown;
  try {
    raw = await read(accountTokenKey(authEnv().AUTH_KEY_PREFIX, purpose, tokenHash(token)));
  } catch {
    return { ok: false, reason: "unavailable" };
  }
  if (raw === null || raw === undefined) return { ok: false, reason: "invalid" };
  let json: unknown = raw;
  if (typeof raw === "string") {
    try {
      json = JSON.parse(raw);
    } catch {
      return { ok: false, reason: "invalid" };
    }
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  if (parsed.data.e <= now()) return { ok: false, reason: "expired" };
  return {
    ok: true,
    record: {
      userId: parsed.data.u,
      expiresAt: parsed.data.e,
      ...(parsed.data.c === undefined ? {} : { credentialVersion: parsed.data.c }),
    },
  };
}
