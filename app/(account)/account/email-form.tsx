"use client";

import type { ReactNode } from "react";
import { IDLE, type FormState } from "../../form-state";
import { useStepUpActionState } from "../step-up-dialog";
import { requestEmailChangeAction, type ChangeEmailField } from "./email-actions";

export function ChangeEmailForm(): ReactNode {
  const [state, emailForm, pending] = useStepUpActionState<FormState<ChangeEmailField>>(
    requestEmailChangeAction,
    IDLE,
  );
  const error = state.status === "error" ? state.fieldErrors.newEmail : undefined;
  return (
    <form {...emailForm} className="stack" noValidate>
      <div className="field">
        <label htmlFor="account-newEmail">New email</label>
        <input
          id="account-newEmail"
          name="newEmail"
          type="email"
          autoComplete="email"
          required
          aria-invalid={error !== undefined}
          aria-describedby={error !== undefined ? "account-newEmail-error" : undefined}
        />
        {error !== undefined ? (
          <p id="account-newEmail-error" className="field-error">
            {error}
          </p>
        ) : null}
      </div>
      <div role="status" aria-live="polite" className="form-message">
        {state.status === "idle" ? null : (
          <p className={state.status === "error" ? "form-error" : "form-success"}>{state.message}</p>
        )}
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Sending link…" : "Change email"}
      </button>
    </form>
  );
}
