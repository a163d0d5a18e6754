"use client";

import type { ReactNode } from "react";
import { FormStatus } from "../../form-error";
import { Field } from "../../form-field";
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
      <Field
        id="account-newEmail"
        name="newEmail"
        label="New email"
        type="email"
        autoComplete="email"
        error={error}
      />
      <FormStatus state={state} />
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Sending link…" : "Change email"}
      </button>
    </form>
  );
}
