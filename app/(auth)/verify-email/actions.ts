"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { verifyEmail } from "@/lib/auth/verify-email";
import { formError, formFields, type FormState } from "../../form-state";

const schema = z.object({ token: z.string().min(1).max(256) });

const MESSAGES = {
  invalid:
    "This link is not valid any more (it works once). If your email is not verified yet, sign in to get a new one.",
  expired: "This link has expired (it works for 24 hours). Sign in to get a new one.",
  unavailable: "We can't verify your email right now. Try again in a moment.",
} as const;

export async function verifyEmailAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = schema.safeParse(formFields(formData, ["token"]));
  if (!parsed.success) return formError(MESSAGES.invalid);
  const result = await verifyEmail(parsed.data.token);
  if (!result.ok) return formError(MESSAGES[result.reason]);
  redirect("/login?verified=1");
}
