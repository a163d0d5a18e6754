"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import { appOrigin, notifyNewDeviceSignIn } from "@/lib/ops/notifier";
import { deviceCookie, deviceCookieName, readDeviceCookie } from "@/lib/auth/device-cookie";
import { checkLoginThrottle } from "@/lib/auth/rate-limit";
import { safeNextPath } from "@/lib/auth/next-path";
import { verifyAgainstDummyHash, verifyPassword } from "@/lib/auth/password";
import { findUserByEmail, normalizeEmail } from "@/lib/auth/users";
import { deviceFromHeaders, getSessionKit, readSessionCookie, setSessionCookie } from "@/lib/session/next";
import { firstFieldErrors, formError, formFields, type FormState } from "../../form-state";

export type LoginField = "email" | "password";

const loginSchema = z.object({
  email: z.email({ error: "Enter a valid email address" }).max(254),
  password: z.string().min(1, { error: "Enter your password" }).max(200),
  remember: z.literal("on").optional(),
  next: z.string().max(2048).optional(),
});

const INCORRECT = "Email or password is incorrect";
const UNAVAILABLE = "We can't sign you in right now. Try again in a moment.";

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
  const requestHeaders = await headers();
  const device = deviceFromHeaders(requestHeaders);
  const kit = getSessionKit();
  const cookieStore = await cookies();
  const deviceId = await readDeviceCookie(
    kit.config.secret,
    cookieStore.get(deviceCookieName(kit.config.cookieName))?.value,
    email,
  );

  const throttle = await checkLoginThrottle({ ip: device.ip, normalizedEmail: email, deviceId });
  if (!throttle.ok) {
    if (throttle.reason === "unavailable") return formError(UNAVAILABLE, {}, email);
    return formError(
      `Too many sign-in attempts. Try again in ${throttle.retryAfterSeconds} seconds.`,
      {},
      email,
    );
  }

  const found = await findUserByEmail(email);
  if (!found.ok) return formError(UNAVAILABLE, {}, email);
  const passwordOk =
    found.user === null
      ? await verifyAgainstDummyHash(parsed.data.password)
      : await verifyPassword(parsed.data.password, found.user.passwordHash);
  if (found.user === null || !passwordOk) {
    // Counted in the metrics; logged in the account's security activity when the account exists.
    await kit.recordFailedSignIn(found.user === null ? undefined : { userId: found.user.id, device });
    return formError(INCORRECT, {}, email);
  }

  // A brand-new session every time; whatever session this browser had before is revoked.
  const created = await kit.createSession({
    userId: found.user.id,
    label: found.user.email,
    device,
    remember: parsed.data.remember === "on",
    replaceCookie: await readSessionCookie(),
  });
  if (!created.ok) {
    if (created.reason === "limit_reached") {
      return formError(
        "You are signed in on too many devices. Sign out of one of them, then try again.",
        {},
        email,
      );
    }
    return formError(UNAVAILABLE, {}, email);
  }
  await setSessionCookie(created.cookie);
  const known = await deviceCookie(kit.config.secret, created.cookie, email, deviceId);
  cookieStore.set(known.name, known.value, known.options);
  if (created.newDevice === true) {
    const session = created.session;
    const origin = appOrigin();
    after(() => notifyNewDeviceSignIn(session, origin));
  }
  redirect(safeNextPath(parsed.data.next));
}
