"use client";

import { useActionState, type ReactNode } from "react";
import { revokeCurrentSessionAction } from "./actions";
import { IDLE, type FormState } from "./form-state";

export function LogoutButton(): ReactNode {
  const [state, formAction, pending] = useActionState<FormState, FormData>(revokeCurrentSessionAction, IDLE);
  return (
    <form action={formAction} className="inline-form">
      <button type="submit" className="button-link" disabled={pending}>
        {pending ? "Signing out…" : "Sign out"}
      </button>
      {state.status === "error" ? (
        <span role="alert" className="form-error">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
