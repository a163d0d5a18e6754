"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { signUp } from "@/lib/auth/sign-up";
import { appNotifier, appOrigin } from "@/lib/ops/notifier";
import { deviceFromHeaders } from "@/lib/session/next";
import { firstFieldErrors, formError, formFields, type FormState } from "../../form-state";

export type SignUpField = "email" | "password" | "confirmPassword";

const signUpSchema = z
  .object({
    email: z.email({ error: "Enter a valid email address" }).max(254),
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH, { error: `Use at least ${MIN_PASSWORD_LENGTH} characters` })
      .max(MAX_PASSWORD_LENGTH, { error: `Use at most ${MAX_PASSWORD_LENGTH} characters` }),
    confirmPassword: z.string(),
  })
  .refine((value) => value.password === value.confirmPassword, {
    error: "Passwords don't match",
    path: ["confirmPassword"],
  });

const UNAVAILABLE = "We can't create your account right now. Try again in a moment.";

// The same answer whether or not the address is registered: the mail tells the owner which case it was.
export async function signUpAction(
  _previous: FormState<SignUpField>,
  formData: FormData,
): Promise<FormState<SignUpField>> {
  const fields = formFields(formData, ["email", "password", "confirmPassword"]);
  const parsed = signUpSchema.safeParse({ ...fields, email: fields.email?.trim() });
  if (!parsed.success) {
    return formError(
      "Check the highlighted fields",
      firstFieldErrors(parsed.error),
      fields.email?.slice(0, 254),
    );
  }
  const result = await signUp(
    { email: parsed.data.email, password: parsed.data.password, ip: deviceFromHeaders(await headers()).ip },
    { notifier: appNotifier(), origin: appOrigin() },
  );
  if (!result.ok) {
    switch (result.reason) {
      case "weak_password":
        return formError("Check the highlighted fields", { password: result.message }, parsed.data.email);
      case "throttled":
        return formError(
          `Too many sign-ups from your network. Try again in ${result.retryAfterSeconds} seconds.`,
          {},
          parsed.data.email,
        );
      case "unavailable":
        return formError(UNAVAILABLE, {}, parsed.data.email);
    }
  }
  redirect("/check-email");
}
