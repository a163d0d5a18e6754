"use server";

import type { Redis } from "@upstash/redis";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { lockAccount, unlockAccount } from "@/lib/auth/lock";
import { getUserById, type User } from "@/lib/auth/users";
import { recordAdminAction, type AuditAction } from "@/lib/ops/audit";
import { createStoreClient, revokeAllUsersSessions, type SweepProgress } from "@/lib/session/ops";
import { deviceFromHeaders, getSessionKit, readSessionCookie, setSessionCookie } from "@/lib/session/next";
import { formError, formFields, formSuccess, type FormState } from "../../form-state";
import { requireAdminAction, type Admin } from "./guard";

const UNAVAILABLE = "The session store is unavailable. Nothing changed; try again in a moment.";
const SWEEP_SLICE_MS = 20_000;

const userSchema = z.object({ userId: z.uuid() });
const sessionSchema = z.object({ userId: z.uuid(), sessionId: z.string().min(1).max(200) });
const sweepSchema = z.object({ intent: z.enum(["start", "resume"]), confirm: z.literal("on").optional() });

export type SweepState = FormState & { progress?: SweepProgress };

let sweepRedis: Redis | undefined;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The account an action is about, from its hidden `userId` field. */
async function targetUser(
  formData: FormData,
): Promise<{ ok: true; user: User } | { ok: false; state: FormState }> {
  const parsed = userSchema.safeParse(formFields(formData, ["userId"]));
  if (!parsed.success) return { ok: false, state: formError("That account could not be found.") };
  const found = await getUserById(parsed.data.userId);
  if (!found.ok) return { ok: false, state: formError(UNAVAILABLE) };
  if (found.user === null) return { ok: false, state: formError("That account could not be found.") };
  return { ok: true, user: found.user };
}

async function audit(admin: Admin, action: AuditAction, outcome: string, user?: User): Promise<string> {
  const logged = await recordAdminAction({
    at: Date.now(),
    admin: admin.email,
    action,
    ...(user === undefined ? {} : { userId: user.id, email: user.email }),
    outcome,
  });
  return logged.ok ? "" : " (The audit log could not be written.)";
}

export async function revokeSessionAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const check = await requireAdminAction(UNAVAILABLE);
  if (!check.ok) return check.state;
  const parsed = sessionSchema.safeParse(formFields(formData, ["userId", "sessionId"]));
  if (!parsed.success) return formError("That session could not be found.");
  const found = await getUserById(parsed.data.userId);
  if (!found.ok) return formError(UNAVAILABLE);
  if (found.user === null) return formError("That account could not be found.");
  const { userId, sessionId } = parsed.data;
  const result = await getSessionKit().revokeSession(userId, sessionId, "admin_revoked");
  if (!result.ok) return formError(UNAVAILABLE);
  revalidatePath("/admin");
  if (!result.revoked) return formError("That session had already ended.");
  const note = await audit(check.admin, "revoke_session", "1 session ended", found.user);
  return formSuccess(`Ended 1 session of ${found.user.email}.${note}`);
}

export async function revokeUserSessionsAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const check = await requireAdminAction(UNAVAILABLE);
  if (!check.ok) return check.state;
  const target = await targetUser(formData);
  if (!target.ok) return target.state;
  const { user } = target;
  const result = await getSessionKit().revokeUserSessions(user.id, "admin_revoked");
  if (!result.ok) return formError(UNAVAILABLE);
  revalidatePath("/admin");
  const ended = `${plural(result.revoked, "session")} ended`;
  const note = await audit(check.admin, "revoke_user_sessions", ended, user);
  return formSuccess(`Ended all sessions of ${user.email}: ${ended}.${note}`);
}

export async function lockAccountAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const check = await requireAdminAction(UNAVAILABLE);
  if (!check.ok) return check.state;
  const target = await targetUser(formData);
  if (!target.ok) return target.state;
  const { user } = target;
  if (user.id === check.admin.session.userId) return formError("You cannot disable your own account.");
  const locked = await lockAccount(getSessionKit(), user.id);
  if (!locked.ok) {
    return formError(
      locked.reason === "unavailable"
        ? UNAVAILABLE
        : "The account is disabled, but its sessions could not be ended: try again.",
    );
  }
  revalidatePath("/admin");
  const ended = `${plural(locked.revoked, "session")} ended`;
  const note = await audit(check.admin, "lock_account", `disabled, ${ended}`, user);
  return formSuccess(`Disabled ${user.email}: ${ended}.${note}`);
}

export async function unlockAccountAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const check = await requireAdminAction(UNAVAILABLE);
  if (!check.ok) return check.state;
  const target = await targetUser(formData);
  if (!target.ok) return target.state;
  const { user } = target;
  const unlocked = await unlockAccount(getSessionKit(), user.id);
  if (!unlocked.ok) return formError(UNAVAILABLE);
  revalidatePath("/admin");
  const note = await audit(check.admin, "unlock_account", "enabled", user);
  return formSuccess(`Enabled ${user.email}: it can sign in again.${note}`);
}

/** The sweep ends the admin's own session too; the admin who ran it gets a fresh one to keep going. */
async function keepAdminSignedIn(admin: Admin): Promise<void> {
  const kit = getSessionKit();
  const cookie = await readSessionCookie();
  const current = await kit.validateSessionToken(cookie);
  if (current.ok || current.reason !== "signed_out_everyone") return;
  const device = deviceFromHeaders(await headers());
  // Twice: this process's first sign-in after the sweep began sees the new epoch and is refused once.
  for (let attempt = 0; attempt < 2; attempt++) {
    const version = await kit.readCredentialVersion(admin.session.userId);
    if (!version.ok) return;
    const created = await kit.createSession({
      userId: admin.session.userId,
      label: admin.email,
      device,
      replaceCookie: cookie,
      credentialVersion: version.version,
      knownDevice: true,
    });
    if (created.ok) {
      await setSessionCookie(created.cookie);
      return;
    }
  }
}

export async function signOutEveryoneAction(_previous: SweepState, formData: FormData): Promise<SweepState> {
  const check = await requireAdminAction(UNAVAILABLE);
  if (!check.ok) return check.state;
  const parsed = sweepSchema.safeParse(formFields(formData, ["intent", "confirm"]));
  if (!parsed.success) return formError("Choose to start or continue the sign-out.");
  if (parsed.data.intent === "start" && parsed.data.confirm !== "on") {
    return formError("Tick the box to confirm that every user is signed out, you included.");
  }
  const kit = getSessionKit();
  sweepRedis ??= createStoreClient(kit.config, process.env);
  const result = await revokeAllUsersSessions({
    kit,
    redis: sweepRedis,
    resume: parsed.data.intent === "resume",
    maxDurationMs: SWEEP_SLICE_MS,
  });
  if (!result.ok) return formError("The session store is unavailable. Continue the sign-out in a moment.");
  await keepAdminSignedIn(check.admin);
  revalidatePath("/admin");
  const { progress } = result;
  const done = `${plural(progress.revoked, "session")} of ${plural(progress.users, "user")} ended`;
  const outcome = `${parsed.data.intent === "start" ? "started" : "continued"}: ${done}${progress.complete ? ", complete" : ""}`;
  const note = await audit(check.admin, "sign_out_everyone", outcome, undefined);
  const message = progress.complete
    ? `Everyone is signed out: ${done}.${note}`
    : `Signing everyone out: ${done} so far…${note}`;
  return { ...formSuccess(message), progress };
}
