"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { requireSession } from "@/lib/auth/dal";
import { confirmPassword } from "@/lib/auth/step-up";
import { deviceFromHeaders, getSessionKit, readSessionCookie, setSessionCookie } from "@/lib/session/next";
import { formError, formFields, formSuccess, type FormState } from "../form-state";

export type ConfirmPasswordField = "password";

const schema = z.object({
  password: z.string().min(1, { error: "Enter your password" }).max(200, { error: "Enter your password" }),
});

const UNAVAILABLE = "The session store is unavailable. Try again in a moment.";

export async function confirmPasswordAction(
  _previous: FormState<ConfirmPasswordField>,
  formData: FormData,
): Promise<FormState<ConfirmPasswordField>> {
  const check = await requireSession("/account");
  if (!check.ok) return formError(UNAVAILABLE);
  const parsed = schema.safeParse(formFields(formData, ["password"]));
  if (!parsed.success) return formError("Enter your password", { password: "Enter your password" });
  const confirmed = await confirmPassword(getSessionKit(), {
    session: check.session,
    password: parsed.data.password,
    sessionCookie: await readSessionCookie(),
    device: deviceFromHeaders(await headers()),
  });
  if (confirmed.ok) {
    if (confirmed.cookie !== undefined) await setSessionCookie(confirmed.cookie);
    return formSuccess("Password confirmed.");
  }
  switch (confirmed.reason) {
    case "incorrect":
      return formError("That password is incorrect", { password: "That password is incorrect" });
    case "throttled":
      return formError(`Too many attempts. Try again in ${confirmed.retryAfterSeconds} seconds.`);
    case "no_account":
    case "signed_out":
      return formError("You have been signed out. Sign in again.");
    case "unavailable":
      return formError(UNAVAILABLE);
  }
}
