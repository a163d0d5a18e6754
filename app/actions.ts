"use server";

import { redirect } from "next/navigation";
import { getSessionKit, clearSessionCookie, readSessionCookie } from "@/lib/session/next";
import { formError, type FormState } from "./form-state";

export async function revokeCurrentSessionAction(
  _previous: FormState,
  _formData: FormData,
): Promise<FormState> {
  const cookie = await readSessionCookie();
  if (cookie !== undefined) {
    const revoked = await getSessionKit().revokeCurrentSession(cookie);
    // Keep the cookie when the store is down: clearing it would leave the session alive in Redis.
    if (!revoked.ok) return formError("We couldn't sign you out right now. Try again in a moment.");
  }
  await clearSessionCookie();
  redirect("/login?signed_out=1");
}
