"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { hashPassword } from "@/lib/auth/password";
import { checkSignUpThrottle } from "@/lib/auth/rate-limit";
import { createUser } from "@/lib/auth/users";
import { deviceFromHeaders } from "@/lib/session/next";
import { firstFieldErrors, formError, formFields, type FormState } from "../../form-state";

export type SignUpField = "email" | "password" | "confirmPassword";

const signUpSchema = z
  .object({
    email: z.email({ error: "Enter a valid email address" }).max(254),
    password: z
      .string()
      .min(10, { error: "Use at least 10 characters" })
      .max(200, { error: "Use at most 200 characters" }),
    confirmPassword: z.string(),
  })
  .refine((value) => value.password === value.confirmPassword, {
    error: "Passwords don't match",
    path: ["confirmPassword"],
  });

const UNAVAILABLE = "We can't create your account right now. Try again in a moment.";

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
  const throttle = await checkSignUpThrottle(deviceFromHeaders(await headers()).ip);
  if (!throttle.ok) {
    const message =
      throttle.reason === "throttled"
        ? `Too many sign-ups from your network. Try again in ${throttle.retryAfterSeconds} seconds.`
        : UNAVAILABLE;
    return formError(message, {}, parsed.data.email);
  }
  const created = await createUser({
    email: parsed.data.email,
    passwordHash: await hashPassword(parsed.data.password),
  });
  if (!created.ok) {
    if (created.reason === "email_taken") {
      return formError(
        "An account with this email already exists",
        { email: "Already registered; sign in instead" },
        parsed.data.email,
      );
    }
    return formError(UNAVAILABLE, {}, parsed.data.email);
  }
  redirect("/login?registered=1");
}
