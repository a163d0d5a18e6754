/**
 * Security activity: a per-user capped log of sign-ins (new device or known), sign-outs, revocations, evictions,
 * password changes and failed sign-ins, each with its time and device (browser, OS, IP when recorded).
 *
 * Data model: `P{U}:log` (keys.ts), a Redis list, newest first, trimmed to `maxEntries` and expiring
 * `retentionSeconds` after its last write. Entry = "<at ms>|<type>|<device fingerprint>|<JSON>", where the JSON
 * is the session record's body ({userId, createdAt, device}) or {device} for a failed attempt. The session scripts
 * (lua/) write it in the same atomic step as the change they log — same hash tag, no extra round trip, no
 * cjson (they copy the record body verbatim). A list with LPUSH + LTRIM rather than a stream: same cap and order,
 * and it behaves identically on every Redis-compatible engine the kit runs on (the embedded dev engine's XADD
 * reuses ids after trimming).
 * "New device" = the log holds earlier sign-ins and the caller did not vouch for the browser (`createSession`'s
 * `knownDevice`, e.g. from a signed device cookie); a first sign-in ever is not announced. The fingerprint
 * (browser, OS, device type) is stored for display only: anyone can copy a user agent.
 * Seam: `fingerprintDevice` decides how entries group by device on the page.
 */
import * as z from "zod/mini";
import { REVOCATION_REASONS } from "./reasons";
import { deviceSchema } from "./record";
import type { DeviceInfo } from "./types";

/**
 * Account events an operator causes, logged once per account whether or not it had sessions (`recordAccountEvent`):
 * the account was disabled (its sessions are logged as "account_locked" besides), or enabled again.
 */
export const ACCOUNT_EVENTS = ["account_disabled", "account_enabled"] as const;
export type AccountEvent = (typeof ACCOUNT_EVENTS)[number];

/**
 * What an activity entry records: a sign-in event, the user's own password change, an operator's account event,
 * or a session that ended for one of the revocation reasons (reasons.ts; the revoking scripts log each ended
 * session under its reason).
 */
export const ACTIVITY_TYPES = [
  "sign_in",
  "sign_in_new_device",
  "sign_in_refused",
  "sign_in_failed",
  "sign_out",
  "password_change",
  ...ACCOUNT_EVENTS,
  ...REVOCATION_REASONS,
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const activityTypeSchema = z.enum(ACTIVITY_TYPES);

export type ActivityEntry = {
  /** Epoch ms. */
  at: number;
  type: ActivityType;
  device: DeviceInfo;
  /** When the session this entry is about was created (absent for failed attempts). */
  sessionCreatedAt?: number;
};

export type ActivityOptions = {
  /** Entries kept per user. @default 50 */
  maxEntries?: number;
  /** The log expires this long after its last write. @default 7776000 (90 days) */
  retentionSeconds?: number;
};

/** Arguments the session scripts take for the log: [max, ttlMs], or [] when the log is off. */
export function activityArgs(options: ActivityOptions | boolean | undefined): string[] {
  if (options === false || options === undefined) return [];
  if (options === true) return activityArgs({});
  const max = options.maxEntries ?? 50;
  const ttlMs = (options.retentionSeconds ?? 90 * 86400) * 1000;
  return [String(max), String(ttlMs)];
}

/** Same browser, OS and device type → same fingerprint (display-level, never a security decision). */
export async function fingerprintDevice(device: DeviceInfo): Promise<string> {
  const text = [device.browser ?? "", device.os ?? "", device.deviceType ?? ""].join("\u0000");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

const bodySchema = z.object({ createdAt: z.optional(z.int().check(z.nonnegative())), device: deviceSchema });

/** Parses one stored entry; anything unexpected is skipped (null). */
export function decodeActivity(raw: string): ActivityEntry | null {
  const match = /^(\d{1,15})\|([a-z_]{1,32})\|([0-9a-f]*)\|(.*)$/s.exec(raw);
  if (match === null) return null;
  const [, at, type, , body] = match;
  if (!activityTypeSchema.safeParse(type).success) return null;
  let json: unknown;
  try {
    json = JSON.parse(body ?? "");
  } catch {
    return null;
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) return null;
  const entry: ActivityEntry = { at: Number(at), type: type as ActivityType, device: parsed.data.device };
  if (parsed.data.createdAt !== undefined) entry.sessionCreatedAt = parsed.data.createdAt;
  return entry;
}

/** Stored entries (newest first) decoded; unreadable ones are skipped. */
export function decodeActivityLines(lines: string[]): ActivityEntry[] {
  const entries: ActivityEntry[] = [];
  for (const line of lines) {
    const entry = decodeActivity(line);
    if (entry !== null) entries.push(entry);
  }
  return entries;
}

/** An account event has no device of its own: the entry carries an empty user agent. */
export function encodeAccountEvent(at: number, type: AccountEvent): string {
  return `${at}|${type}||${JSON.stringify({ device: { userAgent: "" } })}`;
}

export function encodeFailedAttempt(at: number, fingerprint: string, device: DeviceInfo): string {
  return `${at}|sign_in_failed|${fingerprint}|${JSON.stringify({ device })}`;
}
