"use server";

import { z } from "zod";
import { getSessionKit } from "@/lib/session/next";
import { formError, formFields, formSuccess, type FormState } from "../../form-state";

const schema = z.object({ token: z.string().min(1).max(2048) });

const MESSAGES = {
  invalid: "This link is not valid. Open the one from your notice exactly as it was sent.",
  expired: "This link has expired. Review your active devices and change your password.",
  used: "This link was already used. That device is signed out; change your password if you have not yet.",
  unavailable: "We can't do that right now. Try again in a moment.",
} as const;

export async function reportNotMeAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = schema.safeParse(formFields(formData, ["token"]));
  if (!parsed.success) return formError(MESSAGES.invalid);
  const result = await getSessionKit().redeemReportToken(parsed.data.token);
  if (!result.ok) return formError(MESSAGES[result.reason]);
  return formSuccess(
    result.revoked
      ? "We signed out that device. Now change your password so it cannot sign in again."
      : "That device had already signed out. Change your password so it cannot sign in again.",
  );
}
