/**
 * The admin audit log: who did what to which user, and when. A Redis list (`{prefix}admin:audit`), newest first,
 * capped at AUDIT_MAX entries by the same script that appends (one key, so one slot on a cluster).
 */
import { z } from "zod";
import { authEnv } from "@/lib/auth/env";
import { adminAuditKey } from "@/lib/auth/keys";
import { authRedis } from "@/lib/auth/redis";

export const AUDIT_MAX = 200;

export const AUDIT_ACTIONS = [
  "revoke_session",
  "revoke_user_sessions",
  "lock_account",
  "unlock_account",
  "sign_out_everyone",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const auditEntrySchema = z.object({
  at: z.number().int().nonnegative(),
  admin: z.string().min(1).max(254),
  action: z.enum(AUDIT_ACTIONS),
  /** The user acted on (absent for sign out everyone). */
  userId: z.string().max(256).optional(),
  email: z.string().max(254).optional(),
  /** What came of it, e.g. "2 sessions ended". */
  outcome: z.string().max(200),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

// KEYS[1] the audit list; ARGV entry, max.
const APPEND_SCRIPT = `
redis.call("LPUSH", KEYS[1], ARGV[1])
redis.call("LTRIM", KEYS[1], 0, tonumber(ARGV[2]) - 1)
return 1
`;

export async function recordAdminAction(entry: AuditEntry): Promise<{ ok: boolean }> {
  const key = adminAuditKey(authEnv().AUTH_KEY_PREFIX);
  try {
    await authRedis().eval(
      APPEND_SCRIPT,
      [key],
      [JSON.stringify(auditEntrySchema.parse(entry)), String(AUDIT_MAX)],
    );
    return { ok: true };
  } catch {
    return { ok: false };
  }
}

export async function listAdminActions(
  limit = 50,
): Promise<{ ok: true; entries: AuditEntry[] } | { ok: false; reason: "unavailable" }> {
  const key = adminAuditKey(authEnv().AUTH_KEY_PREFIX);
  let raw: unknown[];
  try {
    raw = await authRedis().lrange(key, 0, Math.max(0, limit - 1));
  } catch {
    return { ok: false, reason: "unavailable" };
  }
  const entries: AuditEntry[] = [];
  for (const item of raw) {
    // The client may already have parsed the JSON.
    let value: unknown = item;
    if (typeof item === "string") {
      try {
        value = JSON.parse(item);
      } catch {
        continue;
      }
    }
    const parsed = auditEntrySchema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
  }
  return { ok: true, entries };
}
