"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { deviceCookieName } from "@/lib/auth/device-cookie";
import { completePasswordReset } from "@/lib/auth/password-reset";
import { MAX_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { appNotifier, appOrigin } from "@/lib/ops/notifier";
import { deviceFromHeaders, getSessionKit, readSessionCookie, setSessionCookie } from "@/lib/session/next";
import { firstFieldErrors, formError, formFields, type FormState } from "../../form-state";

export type ResetField = "newPassword" | "confirmNewPassword";

const schema = z
  .object({
    token: z.string().min(1).max(256),
    newPassword: z
      .string()
      .min(1, { error: "Enter a new password" })
      .max(MAX_PASSWORD_LENGTH, { error: `Use at most ${MAX_PASSWORD_LENGTH} characters` }),
    confirmNewPassword: z.string(),
  })
  .refine((value) => value.newPassword === value.confirmNewPassword, {
    error: "Passwords don't match",
    path: ["confirmNewPassword"],
  });

const LINK_MESSAGES = {
  invalid: "This link is not valid any more (it works once). Ask for a new one.",
  expired: "This link has expired (it works for 30 minutes). Ask for a new one.",
  unavailable: "We can't reset your password right now. Try again in a moment.",
  not_rotated: "Your password was reset, but we could not sign you in. Sign in with the new password.",
} as const;

export async function resetPasswordAction(
  _previous: FormState<ResetField>,
  formData: FormData,
): Promise<FormState<ResetField>> {
  const parsed = schema.safeParse(formFields(formData, ["token", "newPassword", "confirmNewPassword"]));
  if (!parsed.success) return formError("Check the highlighted fields", firstFieldErrors(parsed.error));
  const kit = getSessionKit();
  const cookieStore = await cookies();
  const reset = await completePasswordReset(
    kit,
    {
      token: parsed.data.token,
      newPassword: parsed.data.newPassword,
      device: deviceFromHeaders(await headers()),
      sessionCookie: await readSessionCookie(),
      deviceCookie: cookieStore.get(deviceCookieName(kit.config.cookieName))?.value,
    },
    { notifier: appNotifier(), origin: appOrigin() },
  );
  if (!reset.ok) {
    if (reset.reason === "weak_password") {
      return formError("Check the highlighted fields", { newPassword: reset.message });
    }
    return formError(LINK_MESSAGES[reset.reason]);
  }
  const [sessionCookie, known] = reset.cookies;
  if (sessionCookie !== undefined) await setSessionCookie(sessionCookie);
  if (known !== undefined) cookieStore.set(known.name, known.value, known.options);
  redirect("/devices");
}
