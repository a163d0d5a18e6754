import { notFound, redirect } from "next/navigation";
import type { Session } from "@/lib/session";
import { getCurrentUser, loginUrl } from "@/lib/auth/dal";
import { requireStepUp } from "@/lib/auth/step-up";
import { isAdminEmail } from "@/lib/ops/admin";
import { getSessionKit } from "@/lib/session/next";
import { formError, type FormState } from "../../form-state";
import { stepUpRequired } from "../step-up-state";

export type Admin = { email: string; session: Session };
export type AdminCheck = { ok: true; admin: Admin } | { ok: false; reason: "unavailable" };

/**
 * The one gate of every admin page render and admin action: signed in (else /login), an ADMIN_EMAILS address
 * (else 404: the page and its actions do not exist for anyone else). Actions call it again themselves.
 */
export async function requireAdmin(): Promise<AdminCheck> {
  const current = await getCurrentUser();
  if (current.status === "unavailable") return { ok: false, reason: "unavailable" };
  if (current.status === "signed_out") redirect(loginUrl("/admin", current.reason));
  if (!isAdminEmail(current.email)) notFound();
  return { ok: true, admin: { email: current.email, session: current.session } };
}

/**
 * The gate of every admin action: `requireAdmin`, then a password confirmation within
 * SESSION_REAUTH_WINDOW_SECONDS (step-up), checked here on the server whatever the page showed.
 */
export async function requireAdminAction(
  unavailable: string,
): Promise<{ ok: true; admin: Admin } | { ok: false; state: FormState }> {
  const check = await requireAdmin();
  if (!check.ok) return { ok: false, state: formError(unavailable) };
  if (!requireStepUp(getSessionKit(), check.admin.session).ok) return { ok: false, state: stepUpRequired() };
  return check;
}
