"use client";

import { useActionState, type ReactNode } from "react";
import { IDLE, type FormState } from "../../form-state";
import { changePasswordAction, type ChangePasswordField } from "./actions";

const FIELDS: ReadonlyArray<{
  name: ChangePasswordField;
  label: string;
  autoComplete: string;
  hint?: string;
}> = [
  { name: "currentPassword", label: "Current password", autoComplete: "current-password" },
  {
    name: "newPassword",
    label: "New password",
    autoComplete: "new-password",
    hint: "At least 10 characters.",
  },
  { name: "confirmNewPassword", label: "Confirm new password", autoComplete: "new-password" },
];

export function ChangePasswordForm(): ReactNode {
  const [state, formAction, pending] = useActionState<FormState<ChangePasswordField>, FormData>(
    changePasswordAction,
    IDLE,
  );
  const errors = state.status === "error" ? state.fieldErrors : {};
  return (
    <form action={formAction} className="stack" noValidate>
      {FIELDS.map((field) => {
        const id = `account-${field.name}`;
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
              autoComplete={field.autoComplete}
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
      <div role="status" aria-live="polite" className="form-message">
        {state.status === "idle" ? null : (
          <p className={state.status === "error" ? "form-error" : "form-success"}>{state.message}</p>
        )}
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Changing password…" : "Change password"}
      </button>
    </form>
  );
}
