"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { loginUrl, requireSession, type SessionCheck } from "@/lib/auth/dal";
import { checkSessionThrottle } from "@/lib/auth/rate-limit";
import { requireStepUp } from "@/lib/auth/step-up";
import { clearSessionCookie, getSessionKit, readSessionCookie } from "@/lib/session/next";
import { formError, formFields, formSuccess, type FormState } from "../../form-state";
import { stepUpRequired } from "../step-up-state";

const UNAVAILABLE = "The session store is unavailable. Nothing changed; try again in a moment.";

const revokeSchema = z.object({ sessionId: z.string().min(1).max(200) });

/** The session's own window for account actions; a stranger's failed sign-ins never count here. */
async function throttled(check: Extract<SessionCheck, { ok: true }>): Promise<FormState | null> {
  const throttle = await checkSessionThrottle(check.session.id, "action");
  if (throttle.ok) return null;
  if (throttle.reason === "unavailable") return formError(UNAVAILABLE);
  return formError(`Too many requests. Try again in ${throttle.retryAfterSeconds} seconds.`);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export async function revokeSessionAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const check = await requireSession("/devices");
  if (!check.ok) return formError(UNAVAILABLE);
  const refused = await throttled(check);
  if (refused !== null) return refused;
  const parsed = revokeSchema.safeParse(formFields(formData, ["sessionId"]));
  if (!parsed.success) return formError("That device could not be found.");
  if (parsed.data.sessionId === check.session.id) {
    return formError("To sign out of this device, use Sign out in the header.");
  }
  if (!requireStepUp(getSessionKit(), check.session).ok) return stepUpRequired();
  // The kit only looks up ids inside this user's own session set, so another user's id is simply "not found".
  const result = await getSessionKit().revokeSession(check.session.userId, parsed.data.sessionId);
  if (!result.ok) return formError(UNAVAILABLE);
  revalidatePath("/devices");
  if (!result.revoked) return formError("That device was already signed out.");
  return formSuccess("Signed out of 1 device.");
}

export async function revokeOtherSessionsAction(
  _previous: FormState,
  _formData: FormData,
): Promise<FormState> {
  const check = await requireSession("/devices");
  if (!check.ok) return formError(UNAVAILABLE);
  const refused = await throttled(check);
  if (refused !== null) return refused;
  const cookie = await readSessionCookie();
  if (cookie === undefined) redirect(loginUrl("/devices"));
  if (!requireStepUp(getSessionKit(), check.session).ok) return stepUpRequired();
  const result = await getSessionKit().revokeOtherSessions(check.session.userId, cookie);
  if (!result.ok) return formError(UNAVAILABLE);
  revalidatePath("/devices");
  return formSuccess(`Signed out of ${plural(result.revoked, "other device")}.`);
}

export async function revokeUserSessionsAction(
  _previous: FormState,
  _formData: FormData,
): Promise<FormState> {
  const check = await requireSession("/devices");
  if (!check.ok) return formError(UNAVAILABLE);
  const refused = await throttled(check);
  if (refused !== null) return refused;
  if (!requireStepUp(getSessionKit(), check.session).ok) return stepUpRequired();
  const result = await getSessionKit().revokeUserSessions(check.session.userId, "revoked");
  if (!result.ok) return formError(UNAVAILABLE);
  await clearSessionCookie();
  redirect("/login?signed_out=everywhere");
}
