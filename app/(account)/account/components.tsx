"use client";

import { useActionState, type ReactNode } from "react";
import { FormStatus } from "../../form-error";
import { Field } from "../../form-field";
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
      {FIELDS.map((field) => (
        <Field
          key={field.name}
          id={`account-${field.name}`}
          name={field.name}
          label={field.label}
          type="password"
          autoComplete={field.autoComplete}
          error={errors[field.name]}
          hint={field.hint}
        />
      ))}
      <FormStatus state={state} />
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Changing password…" : "Change password"}
      </button>
    </form>
  );
}
