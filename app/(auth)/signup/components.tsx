"use client";

import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
import { IDLE, type FormState } from "../../form-state";
import { signUpAction, type SignUpField } from "./actions";

type FieldProps = {
  name: SignUpField;
  label: string;
  type: "email" | "password";
  autoComplete: string;
  error: string | undefined;
  hint?: string;
  defaultValue?: string;
};

function Field({ name, label, type, autoComplete, error, hint, defaultValue }: FieldProps): ReactNode {
  const id = `signup-${name}`;
  const describedBy = [hint !== undefined ? `${id}-hint` : "", error !== undefined ? `${id}-error` : ""]
    .filter((value) => value !== "")
    .join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required
        defaultValue={defaultValue}
        aria-invalid={error !== undefined}
        aria-describedby={describedBy === "" ? undefined : describedBy}
      />
      {hint !== undefined ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error !== undefined ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SignUpForm(): ReactNode {
  const [state, formAction, pending] = useActionState<FormState<SignUpField>, FormData>(signUpAction, IDLE);
  const errors = state.status === "error" ? state.fieldErrors : {};
  return (
    <form action={formAction} className="stack" noValidate>
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        error={errors.email}
        defaultValue={state.status === "error" ? state.email : undefined}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        error={errors.password}
        hint="At least 10 characters, and not a common password."
      />
      <Field
        name="confirmPassword"
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        error={errors.confirmPassword}
      />
      <FormError state={state} />
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Creating account…" : "Create account"}
      </button>
    </form>
  );
}
