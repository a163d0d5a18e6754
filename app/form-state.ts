import type { z } from "zod";

/** State shared by every useActionState form. Passwords are never part of it. */
export type FormState<Field extends string = string> =
  | { status: "idle" }
  | {
      status: "error";
      message: string;
      fieldErrors: Partial<Record<Field, string>>;
      email?: string;
      /** The action needs a recent password confirmation (step-up): the form asks for it, then runs again. */
      stepUp?: true;
      at: number;
    }
  | { status: "success"; message: string; at: number };

export const IDLE: FormState<never> = { status: "idle" };

export function formError<Field extends string>(
  message: string,
  fieldErrors: Partial<Record<Field, string>> = {},
  email?: string,
): FormState<Field> {
  return { status: "error", message, fieldErrors, email, at: Date.now() };
}

export function formSuccess<Field extends string>(message: string): FormState<Field> {
  return { status: "success", message, at: Date.now() };
}

export function firstFieldErrors<Field extends string>(error: z.ZodError): Partial<Record<Field, string>> {
  const result: Partial<Record<Field, string>> = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (typeof field !== "string" || field in result) continue;
    result[field as Field] = issue.message;
  }
  return result;
}

/**
 * Strings only: a File or a missing field becomes undefined so zod reports it. Actions are public endpoints:
 * a hand-made call can pass anything instead of FormData, which then reads as a form with no fields.
 */
export function formFields(formData: unknown, names: readonly string[]): Record<string, string | undefined> {
  const fields: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = formData instanceof FormData ? formData.get(name) : null;
    fields[name] = typeof value === "string" ? value : undefined;
  }
  return fields;
}
