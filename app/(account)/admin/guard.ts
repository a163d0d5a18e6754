import { notFound, redirect } from "next/navigation";
import type { Session } from "@/lib/session";
import { getCurrentUser, loginUrl } from "@/lib/auth/dal";
import { isAdminEmail } from "@/lib/ops/admin";

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
