"use client";

import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
import { IDLE, type FormState } from "../../form-state";
import { verifyEmailAction } from "./actions";

export function VerifyEmailForm({ token }: { token: string }): ReactNode {
  const [state, formAction, pending] = useActionState<FormState, FormData>(verifyEmailAction, IDLE);
  return (
    <form action={formAction} className="stack">
      <input type="hidden" name="token" value={token} />
      <FormError state={state} />
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Verifying…" : "Verify email"}
      </button>
    </form>
  );
}
