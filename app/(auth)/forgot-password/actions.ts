"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { appNotifier, appOrigin } from "@/lib/ops/notifier";
import { deviceFromHeaders, getSessionKit } from "@/lib/session/next";
import { firstFieldErrors, formError, formFields, formSuccess, type FormState } from "../../form-state";

export type ForgotField = "email";

const schema = z.object({ email: z.email({ error: "Enter a valid email address" }).max(254) });

const SENT =
  "Check your email. If an account uses that address, we sent it a link to choose a new password (it works for 30 minutes).";

export async function requestPasswordResetAction(
  _previous: FormState<ForgotField>,
  formData: FormData,
): Promise<FormState<ForgotField>> {
  const fields = formFields(formData, ["email"]);
  const parsed = schema.safeParse({ email: fields.email?.trim() });
  if (!parsed.success) {
    return formError(
      "Check the highlighted fields",
      firstFieldErrors(parsed.error),
      fields.email?.slice(0, 254),
    );
  }
  const result = await requestPasswordReset(
    getSessionKit(),
    { email: parsed.data.email, ip: deviceFromHeaders(await headers()).ip },
    { notifier: appNotifier(), origin: appOrigin() },
  );
  if (!result.ok) {
    const message =
      result.reason === "throttled"
        ? `Too many requests from your network. Try again in ${result.retryAfterSeconds} seconds.`
        : "We can't send the link right now. Try again in a moment.";
    return formError(message, {}, parsed.data.email);
  }
  return formSuccess(SENT);
}
