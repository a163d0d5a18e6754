/**
 * Data-access layer for the app: the one place pages, actions and route handlers ask "who is signed in?".
 * Server only (uses next/headers); never import it from a "use client" file.
 * Middleware checks too, but every protected page, action and handler calls requireSession() itself.
 */
import { cache } from "react";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import type { Session, SignedOutReason } from "@/lib/session";
import { getCurrentSession } from "@/lib/session/next";
import { safeNextPath } from "./next-path";
import { getUserById } from "./users";

export type SessionCheck = { ok: true; session: Session } | { ok: false; reason: "unavailable" };
export type CurrentUser =
  | { status: "signed_in"; session: Session; email: string }
  | { status: "signed_out"; reason: SignedOutReason }
  | { status: "unavailable" };

export function loginUrl(nextPath: string, reason?: SignedOutReason): string {
  const params = new URLSearchParams({ next: safeNextPath(nextPath) });
  if (reason !== undefined && reason !== "missing" && reason !== "malformed") params.set("reason", reason);
  return `/login?${params.toString()}`;
}

/**
 * The current session, or a redirect to /login?next=… when signed out.
 * A store outage comes back as `{ ok: false, reason: "unavailable" }`: render a 503 state, never sign out.
 */
export const requireSession = cache(async (nextPath: string): Promise<SessionCheck> => {
  // Request-time only: never let a build-time prerender reach the session kit (or need its secret).
  await connection();
  const result = await getCurrentSession();
  if (result.ok) return { ok: true, session: result.session };
  if (result.reason === "unavailable") return { ok: false, reason: "unavailable" };
  redirect(loginUrl(nextPath, result.reason));
});

/** For UI that differs by sign-in state (the header); never redirects. */
export const getCurrentUser = cache(async (): Promise<CurrentUser> => {
  await connection();
  const result = await getCurrentSession();
  if (!result.ok) {
    if (result.reason === "unavailable") return { status: "unavailable" };
    return { status: "signed_out", reason: result.reason };
  }
  // Sign-in stores the email as the session's label, so the header costs no Redis call of its own.
  if (result.session.label !== undefined) {
    return { status: "signed_in", session: result.session, email: result.session.label };
  }
  const found = await getUserById(result.session.userId);
  if (!found.ok) return { status: "unavailable" };
  if (found.user === null) return { status: "signed_out", reason: "revoked" };
  return { status: "signed_in", session: result.session, email: found.user.email };
});
