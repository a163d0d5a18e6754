"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { requireSession } from "@/lib/auth/dal";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { checkLoginThrottle } from "@/lib/auth/rate-limit";
import { getUserById, updatePasswordHash } from "@/lib/auth/users";
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

  const found = await getUserById(check.session.userId);
  if (!found.ok) return formError(UNAVAILABLE);
  if (found.user === null) return formError("Your account could not be found.");

  const device = deviceFromHeaders(await headers());
  const throttle = await checkLoginThrottle({
    ip: device.ip,
    normalizedEmail: found.user.email,
  });
  if (!throttle.ok) {
    if (throttle.reason === "unavailable") return formError(UNAVAILABLE);
    return formError(`Too many attempts. Try again in ${throttle.retryAfterSeconds} seconds.`);
  }
  if (!(await verifyPassword(parsed.data.currentPassword, found.user.passwordHash))) {
    await getSessionKit().recordFailedSignIn();
    return formError("Check the highlighted fields", { currentPassword: "Current password is incorrect" });
  }

  const updated = await updatePasswordHash(found.user.id, await hashPassword(parsed.data.newPassword));
  if (!updated.ok) return formError(UNAVAILABLE);

  // Every other session ends (reason password_changed); this browser gets a fresh session id.
  const rotated = await getSessionKit().createSession({
    userId: found.user.id,
    label: found.user.email,
    device,
    remember: check.session.remember,
    replaceCookie: await readSessionCookie(),
    revokeOtherSessions: true,
  });
  if (!rotated.ok) {
    return formError(
      "Your password was changed, but other devices could not be signed out yet. Use Sign out everywhere on the devices page.",
    );
  }
  await setSessionCookie(rotated.cookie);
  return formSuccess("Password changed. Every other device was signed out.");
}
