"use client";

import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
import { Field } from "../../form-field";
import { IDLE, type FormState } from "../../form-state";
import { signUpAction, type SignUpField } from "./actions";

export function SignUpForm(): ReactNode {
  const [state, formAction, pending] = useActionState<FormState<SignUpField>, FormData>(signUpAction, IDLE);
  const errors = state.status === "error" ? state.fieldErrors : {};
  return (
    <form action={formAction} className="stack" noValidate>
      <Field
        id="signup-email"
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        error={errors.email}
        defaultValue={state.status === "error" ? state.email : undefined}
      />
      <Field
        id="signup-password"
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        error={errors.password}
        hint="At least 10 characters, and not a common password."
      />
      <Field
        id="signup-confirmPassword"
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
