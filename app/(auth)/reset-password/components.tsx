"use client";

import Link from "next/link";
import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
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
      {FIELDS.map((field) => {
        const id = `reset-${field.name}`;
        const error = errors[field.name];
        const describedBy = [
          field.hint !== undefined ? `${id}-hint` : "",
          error !== undefined ? `${id}-error` : "",
        ]
          .filter((value) => value !== "")
          .join(" ");
        return (
          <div className="field" key={field.name}>
            <label htmlFor={id}>{field.label}</label>
            <input
              id={id}
              name={field.name}
              type="password"
              autoComplete="new-password"
              required
              aria-invalid={error !== undefined}
              aria-describedby={describedBy === "" ? undefined : describedBy}
            />
            {field.hint !== undefined ? (
              <p id={`${id}-hint`} className="field-hint">
                {field.hint}
              </p>
            ) : null}
            {error !== undefined ? (
              <p id={`${id}-error`} className="field-error">
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
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
