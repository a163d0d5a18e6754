"use client";

import Link from "next/link";
import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
import { Field } from "../../form-field";
import { IDLE, type FormState } from "../../form-state";
import { resetPasswordAction, type ResetField } from "./actions";

const FIELDS: ReadonlyArray<{ name: ResetField; label: string; hint?: string }> = [
  { name: "newPassword", label: "New password", hint: "At least 10 characters, and not a common password." },
  { name: "confirmNewPassword", label: "Confirm new password" },
];

export function ResetPasswordForm({ token }: { token: string }): ReactNode {
  const [state, formAction, pending] = useActionState<FormState<ResetField>, FormData>(
    resetPasswordAction,
    IDLE,
  );
  const errors = state.status === "error" ? state.fieldErrors : {};
  return (
    <form action={formAction} className="stack" noValidate>
      <input type="hidden" name="token" value={token} />
      {FIELDS.map((field) => (
        <Field
          key={field.name}
          id={`reset-${field.name}`}
          name={field.name}
          label={field.label}
          type="password"
          autoComplete="new-password"
          error={errors[field.name]}
          hint={field.hint}
        />
      ))}
      <FormError state={state} />
      {state.status === "error" && Object.keys(state.fieldErrors).length === 0 ? (
        <p>
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      ) : null}
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Resetting password…" : "Reset password"}
      </button>
    </form>
  );
}
