"use client";

import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
import { IDLE, type FormState } from "../../form-state";
import { requestPasswordResetAction, type ForgotField } from "./actions";

export function ForgotPasswordForm(): ReactNode {
  const [state, formAction, pending] = useActionState<FormState<ForgotField>, FormData>(
    requestPasswordResetAction,
    IDLE,
  );
  if (state.status === "success") {
    return (
      <p role="status" className="form-success">
        {state.message}
      </p>
    );
  }
  const error = state.status === "error" ? state.fieldErrors.email : undefined;
  return (
    <form action={formAction} className="stack" noValidate>
      <div className="field">
        <label htmlFor="forgot-email">Email</label>
        <input
          id="forgot-email"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={state.status === "error" ? state.email : undefined}
          aria-invalid={error !== undefined}
          aria-describedby={error !== undefined ? "forgot-email-error" : undefined}
        />
        {error !== undefined ? (
          <p id="forgot-email-error" className="field-error">
            {error}
          </p>
        ) : null}
      </div>
      <FormError state={state} />
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Sending…" : "Send reset link"}
      </button>
    </form>
  );
}
