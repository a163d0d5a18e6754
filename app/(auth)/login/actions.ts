"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import { appNotifier, appOrigin, notifyNewDeviceSignIn } from "@/lib/ops/notifier";
import { deviceCookieName } from "@/lib/auth/device-cookie";
import { safeNextPath } from "@/lib/auth/next-path";
import { signInWithPassword, type SignInResult } from "@/lib/auth/sign-in";
import { normalizeEmail } from "@/lib/auth/users";
import { resendVerification } from "@/lib/auth/verify-email";
import { deviceFromHeaders, getSessionKit, readSessionCookie, setSessionCookie } from "@/lib/session/next";
import { firstFieldErrors, formError, formFields, type FormState } from "../../form-state";

export type LoginField = "email" | "password";

const loginSchema = z.object({
  email: z.email({ error: "Enter a valid email address" }).max(254),
  password: z.string().min(1, { error: "Enter your password" }).max(200),
  remember: z.literal("on").optional(),
  next: z.string().max(2048).optional(),
});

const UNAVAILABLE = "We can't sign you in right now. Try again in a moment.";

function failureMessage(failure: Exclude<SignInResult, { ok: true }>): string {
  switch (failure.reason) {
    case "incorrect":
      return "Email or password is incorrect";
    case "throttled":
      return `Too many sign-in attempts. Try again in ${failure.retryAfterSeconds} seconds.`;
    case "locked":
      return "This account is disabled";
    case "limit_reached":
      return "You are signed in on too many devices. Sign out of one of them, then try again.";
    case "stale_credentials":
      return "This account's sign-in was interrupted by a password change or a security sign-out. Sign in again.";
    case "unverified":
      return "Verify your email first: open the link we sent you (we are sending a new one).";
    case "unavailable":
      return UNAVAILABLE;
  }
}

export async function loginAction(
  _previous: FormState<LoginField>,
  formData: FormData,
): Promise<FormState<LoginField>> {
  const fields = formFields(formData, ["email", "password", "remember", "next"]);
  const parsed = loginSchema.safeParse({ ...fields, email: fields.email?.trim() });
  if (!parsed.success) {
    return formError(
      "Check the highlighted fields",
      firstFieldErrors(parsed.error),
      fields.email?.slice(0, 254),
    );
  }
  const email = normalizeEmail(parsed.data.email);
  const kit = getSessionKit();
  const cookieStore = await cookies();
  const signedIn = await signInWithPassword(kit, {
    email,
    password: parsed.data.password,
    device: deviceFromHeaders(await headers()),
    remember: parsed.data.remember === "on",
    sessionCookie: await readSessionCookie(),
    deviceCookie: cookieStore.get(deviceCookieName(kit.config.cookieName))?.value,
  });
  if (!signedIn.ok) {
    if (signedIn.reason === "unverified") {
      const user = { userId: signedIn.userId, email: signedIn.email };
      const deps = { notifier: appNotifier(), origin: appOrigin() };
      after(() => resendVerification(user, deps));
    }
    return formError(failureMessage(signedIn), {}, email);
  }
  const [sessionCookie, known] = signedIn.cookies;
  if (sessionCookie !== undefined) await setSessionCookie(sessionCookie);
  if (known !== undefined) cookieStore.set(known.name, known.value, known.options);
  if (signedIn.newDevice) {
    const session = signedIn.session;
    const origin = appOrigin();
    after(() => notifyNewDeviceSignIn(session, origin));
  }
  redirect(safeNextPath(parsed.data.next));
}
