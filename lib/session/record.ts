/**
 * The stored value of a session key, and its parser.
 *
 * What: a session key holds either a live session record or, after revocation/eviction, a short-lived marker.
 * Data model:
 *   record = "<expiresAt>:<absoluteExpiresAt>:<lastActiveAt>:<remember 0|1>:<publicId>:<JSON {reauthAt?, userId, createdAt, device, label?}>"
 *   marker = "!" + reason, e.g. "!evicted"
 * The fields the Lua scripts read or rewrite (times, profile, public id) sit in a fixed text header, so the scripts
 * need only `string.match` — no cjson — and run on any Redis-compatible Lua (Redis, Valkey, Upstash, in-memory
 * test engines). Never the token. Both kinds stay one GET away from a validation.
 * `reauthAt` (the last password confirmation, step-up) leads the JSON, so the one script that rewrites it
 * (lua/reauth.ts) needs a single anchored match, and a kit that predates it still reads the record (zod drops
 * unknown keys): no rolling deploy signs anyone out. A record without it counts from `createdAt` (the sign-in).
 * `label`, when present, is the last key, so lua/relabel.ts can replace it the same way.
 * Seam: the JSON part is parsed with zod, so a value written by another version fails closed ("malformed").
 */
import * as z from "zod/mini";
import { isRevocationReason, type RevocationReason } from "./reasons";
import type { Session } from "./types";

const text = z.string().check(z.maxLength(512));

export const deviceSchema = z.object({
  userAgent: text,
  browser: z.optional(text),
  os: z.optional(text),
  deviceType: z.optional(z.enum(["desktop", "mobile", "tablet", "other"])),
  ip: z.optional(text),
  location: z.optional(text),
});

const epochMs = z.int().check(z.nonnegative());

export const sessionSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  userId: z.string().check(z.minLength(1), z.maxLength(256)),
  createdAt: epochMs,
  lastActiveAt: epochMs,
  expiresAt: epochMs,
  absoluteExpiresAt: epochMs,
  remember: z.boolean(),
  device: deviceSchema,
  label: z.optional(text),
  reauthAt: z.optional(epochMs),
});

export type StoredValue =
  | { kind: "session"; session: Session }
  | { kind: "marker"; reason: RevocationReason }
  | { kind: "absent" }
  | { kind: "invalid" };

const HEADER = /^(\d{1,15}):(\d{1,15}):(\d{1,15}):([01]):([A-Za-z0-9_-]{1,64}):(.*)$/s;

export function encodeSession(session: Session): string {
  const { expiresAt, absoluteExpiresAt, lastActiveAt, remember, id, userId, createdAt, device, label } =
    session;
  // Key order is part of the format: reauthAt first, label last (see the header).
  const body = JSON.stringify({ reauthAt: session.reauthAt, userId, createdAt, device, label });
  return `${expiresAt}:${absoluteExpiresAt}:${lastActiveAt}:${remember ? 1 : 0}:${id}:${body}`;
}

/** Parses what GET (or a script) returned. Anything unexpected is "invalid", never a session. */
export function decodeStoredValue(value: unknown): StoredValue {
  if (value === null || value === undefined) return { kind: "absent" };
  if (typeof value !== "string") return { kind: "invalid" };
  if (value.startsWith("!")) {
    const reason = value.slice(1);
    return isRevocationReason(reason) ? { kind: "marker", reason } : { kind: "invalid" };
  }
  const match = HEADER.exec(value);
  if (match === null) return { kind: "invalid" };
  const [, expiresAt, absoluteExpiresAt, lastActiveAt, remember, id, body] = match;
  let json: unknown;
  try {
    json = JSON.parse(body ?? "");
  } catch {
    return { kind: "invalid" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { kind: "invalid" };
  // One zod pass over the whole session (the body's own fields are checked by sessionSchema; extra keys dropped).
  const { userId, createdAt, device, label, reauthAt } = json as Record<string, unknown>;
  const session = sessionSchema.safeParse({
    id,
    userId,
    createdAt,
    lastActiveAt: Number(lastActiveAt),
    expiresAt: Number(expiresAt),
    absoluteExpiresAt: Number(absoluteExpiresAt),
    remember: remember === "1",
    device,
    ...(label === undefined ? {} : { label }),
    ...(reauthAt === undefined ? {} : { reauthAt }),
  });
  return session.success ? { kind: "session", session: session.data } : { kind: "invalid" };
}
