"use server";

import { z } from "zod";
import { requireSession } from "@/lib/auth/dal";
import { requestEmailChange } from "@/lib/auth/email-change";
import { checkSessionThrottle } from "@/lib/auth/rate-limit";
import { requireStepUp } from "@/lib/auth/step-up";
import { sendAccountMail } from "@/lib/ops/account-mail";
import { appOrigin } from "@/lib/ops/notifier";
import { getSessionKit } from "@/lib/session/next";
import { firstFieldErrors, formError, formFields, formSuccess, type FormState } from "../../form-state";
import { stepUpRequired } from "../step-up-state";

export type ChangeEmailField = "newEmail";

const schema = z.object({
  newEmail: z
    .string()
    .trim()
    .max(254, { error: "Use at most 254 characters" })
    .pipe(z.email({ error: "Enter an email address such as name@example.com" })),
});

const UNAVAILABLE = "The session store is unavailable. Your email was not changed; try again in a moment.";

export async function requestEmailChangeAction(
  _previous: FormState<ChangeEmailField>,
  formData: FormData,
): Promise<FormState<ChangeEmailField>> {
  const check = await requireSession("/account");
  if (!check.ok) return formError(UNAVAILABLE);
  const throttle = await checkSessionThrottle(check.session.id, "action");
  if (!throttle.ok) {
    if (throttle.reason === "unavailable") return formError(UNAVAILABLE);
    return formError(`Too many requests. Try again in ${throttle.retryAfterSeconds} seconds.`);
  }
  const parsed = schema.safeParse(formFields(formData, ["newEmail"]));
  if (!parsed.success) return formError("Check the highlighted field", firstFieldErrors(parsed.error));
  if (!requireStepUp(getSessionKit(), check.session).ok) return stepUpRequired();

  const requested = await requestEmailChange({
    userId: check.session.userId,
    newEmail: parsed.data.newEmail,
    origin: appOrigin(),
    send: sendAccountMail,
  });
  if (!requested.ok) {
    switch (requested.reason) {
      case "same_email":
        return formError("Check the highlighted field", { newEmail: "That is already your email" });
      case "no_account":
        return formError("Your account could not be found.");
      case "unavailable":
        return formError(UNAVAILABLE);
    }
  }
  return formSuccess(
    `We sent a confirmation link to ${parsed.data.newEmail.toLowerCase()}. Your email changes when you use it.`,
  );
}
