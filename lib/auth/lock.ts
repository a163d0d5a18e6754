/**
 * Disabling and enabling an account (an administrator's action), framework-free so tests can pause between its
 * steps. Order matters: the flag first, then every session ends with "account_locked", a credential reason that
 * raises the credential version. A sign-in reads the version before the flag (sign-in.ts), so one in flight when
 * the lock lands either sees the flag, or created its session before the revoke (ended by it), or is refused by
 * the raised version.
 */
import type { SessionKit } from "@/lib/session";
import { setUserLocked } from "./users";

export type LockResult =
  | { ok: true; updated: boolean; revoked: number }
  | { ok: false; reason: "unavailable" | "sessions_not_ended" };

export async function lockAccount(
  kit: SessionKit,
  userId: string,
  pause: (step: "flag_set") => Promise<void> = async () => {},
): Promise<LockResult> {
  const locked = await setUserLocked(userId, true);
  if (!locked.ok) return locked;
  if (!locked.updated) return { ok: true, updated: false, revoked: 0 };
  await pause("flag_set");
  const revoked = await kit.revokeUserSessions(userId, "account_locked");
  if (!revoked.ok) return { ok: false, reason: "sessions_not_ended" };
  await kit.recordAccountEvent(userId, "account_disabled");
  return { ok: true, updated: true, revoked: revoked.revoked };
}

export async function unlockAccount(
  kit: SessionKit,
  userId: string,
): Promise<{ ok: true; updated: boolean } | { ok: false; reason: "unavailable" }> {
  const unlocked = await setUserLocked(userId, false);
  if (!unlocked.ok) return unlocked;
  if (unlocked.updated) await kit.recordAccountEvent(userId, "account_enabled");
  return unlocked;
}
