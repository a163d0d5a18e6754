"use server";

import { z } from "zod";
import { confirmEmailChange, revertEmailChange } from "@/lib/auth/email-change";
import { clearSessionCookie, getSessionKit } from "@/lib/session/next";
import { formError, formFields, formSuccess, type FormState } from "../../form-state";

const schema = z.object({ token: z.string().min(1).max(200) });

const INVALID =
  "This link is not valid, has expired or was already used. Ask for a new one from your account page.";
const UNAVAILABLE = "We can't do that right now. Try again in a moment.";

export async function confirmEmailChangeAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = schema.safeParse(formFields(formData, ["token"]));
  if (!parsed.success) return formError(INVALID);
  const result = await confirmEmailChange(getSessionKit(), parsed.data.token);
  if (result.ok) return formSuccess(`Your email is now ${result.email}.`);
  switch (result.reason) {
    case "invalid":
      return formError(INVALID);
    case "taken":
      return formError("That address now belongs to another account. Your email was not changed.");
    case "superseded":
      return formError("This change was cancelled or replaced by a newer one. Your email was not changed.");
    case "unavailable":
      return formError(UNAVAILABLE);
  }
}

export async function revertEmailChangeAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = schema.safeParse(formFields(formData, ["token"]));
  if (!parsed.success) return formError(INVALID);
  const result = await revertEmailChange(getSessionKit(), parsed.data.token);
  if (!result.ok) return formError(result.reason === "invalid" ? INVALID : UNAVAILABLE);
  await clearSessionCookie();
  const kept = result.restored ? `Your email is ${result.email} again` : `Your email stays ${result.email}`;
  return formSuccess(
    `${kept}, and every device was signed out. Whoever asked for the change knew your password: sign in and change it now.`,
  );
}
