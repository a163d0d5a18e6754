/**
 * The stored value of a session key, and its parser.
 *
 * What: a session key holds either a live session record or, after revocation/eviction, a short-lived marker.
 * Data model: record = JSON of `Session` (never the token); marker = "!" + reason, e.g. "!evicted". The Lua
 * scripts tell them apart by the first byte ("{" vs "!"), so both stay one GET away from a validation.
 * Seam: stored JSON is parsed with zod, so a record written by another version fails closed ("malformed").
 */
import { z } from "zod";
import type { RevocationReason, Session } from "./types";

const text = z.string().max(512);

export const deviceSchema = z.object({
  userAgent: text,
  browser: text.optional(),
  os: text.optional(),
  deviceType: z.enum(["desktop", "mobile", "tablet", "other"]).optional(),
  ip: text.optional(),
  location: text.optional(),
});

const epochMs = z.number().int().nonnegative();

export const sessionSchema = z.object({
  id: z.string().min(1).max(64),
  userId: z.string().min(1).max(256),
  createdAt: epochMs,
  lastActiveAt: epochMs,
  expiresAt: epochMs,
  absoluteExpiresAt: epochMs,
  remember: z.boolean(),
  // cjson (in the Lua touch script) encodes an empty table as {}, which is what an empty device is anyway.
  device: deviceSchema,
});

const REASONS: readonly RevocationReason[] = ["revoked", "evicted", "password_changed"];

export type StoredValue =
  | { kind: "session"; session: Session }
  | { kind: "marker"; reason: RevocationReason }
  | { kind: "absent" }
  | { kind: "invalid" };

export function encodeSession(session: Session): string {
  return JSON.stringify(session);
}

/**
 * Parses what GET returned. Accepts a raw string (automaticDeserialization off, as the kit configures its own
 * client) or an already-parsed object (a client you passed in with automaticDeserialization on).
 */
export function decodeStoredValue(value: unknown): StoredValue {
  if (value === null || value === undefined) return { kind: "absent" };
  if (typeof value === "string" && value.startsWith("!")) {
    const reason = value.slice(1) as RevocationReason;
    return REASONS.includes(reason) ? { kind: "marker", reason } : { kind: "invalid" };
  }
  let json: unknown = value;
  if (typeof value === "string") {
    try {
      json = JSON.parse(value);
    } catch {
      return { kind: "invalid" };
    }
  }
  const parsed = sessionSchema.safeParse(json);
  return parsed.success ? { kind: "session", session: parsed.data } : { kind: "invalid" };
}
