"use server";

import { cookies, headers } from "next/headers";
import { z } from "zod";
import { changePassword } from "@/lib/auth/change-password";
import { requireSession } from "@/lib/auth/dal";
import { deviceCookieName } from "@/lib/auth/device-cookie";
import { deviceFromHeaders, getSessionKit, readSessionCookie, setSessionCookie } from "@/lib/session/next";
import { firstFieldErrors, formError, formFields, formSuccess, type FormState } from "../../form-state";

export type ChangePasswordField = "currentPassword" | "newPassword" | "confirmNewPassword";

const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, { error: "Enter your current password" }).max(200),
    newPassword: z
      .string()
      .min(10, { error: "Use at least 10 characters" })
      .max(200, { error: "Use at most 200 characters" }),
    confirmNewPassword: z.string(),
  })
  .refine((value) => value.newPassword === value.confirmNewPassword, {
    error: "Passwords don't match",
    path: ["confirmNewPassword"],
  })
  .refine((value) => value.newPassword !== value.currentPassword, {
    error: "Choose a password different from the current one",
    path: ["newPassword"],
  });

const UNAVAILABLE = "The session store is unavailable. Your password was not changed; try again in a moment.";

export async function changePasswordAction(
  _previous: FormState<ChangePasswordField>,
  formData: FormData,
): Promise<FormState<ChangePasswordField>> {
  const check = await requireSession("/account");
  if (!check.ok) return formError(UNAVAILABLE);
  const parsed = changePasswordSchema.safeParse(
    formFields(formData, ["currentPassword", "newPassword", "confirmNewPassword"]),
  );
  if (!parsed.success) return formError("Check the highlighted fields", firstFieldErrors(parsed.error));

  const kit = getSessionKit();
  const cookieStore = await cookies();
  const changed = await changePassword(kit, {
    session: check.session,
    currentPassword: parsed.data.currentPassword,
    newPassword: parsed.data.newPassword,
    device: deviceFromHeaders(await headers()),
    sessionCookie: await readSessionCookie(),
    deviceCookie: cookieStore.get(deviceCookieName(kit.config.cookieName))?.value,
  });
  if (!changed.ok) {
    switch (changed.reason) {
      case "incorrect":
        return formError("Check the highlighted fields", {
          currentPassword: "Current password is incorrect",
        });
      case "weak_password":
        return formError("Check the highlighted fields", { newPassword: changed.message });
      case "throttled":
        return formError(`Too many attempts. Try again in ${changed.retryAfterSeconds} seconds.`);
      case "no_account":
        return formError("Your account could not be found.");
      case "not_rotated":
        return formError(
          "Your password was changed, but other devices could not be signed out yet. Use Sign out everywhere on the devices page.",
        );
      case "unavailable":
        return formError(UNAVAILABLE);
    }
  }
  const [sessionCookie, known] = changed.cookies;
  if (sessionCookie !== undefined) await setSessionCookie(sessionCookie);
  if (known !== undefined) cookieStore.set(known.name, known.value, known.options);
  return formSuccess("Password changed. Every other device was signed out.");
}
