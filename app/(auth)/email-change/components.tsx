"use client";

import Link from "next/link";
import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
import { IDLE, type FormState } from "../../form-state";

export function EmailLinkForm({
  token,
  action,
  label,
  pendingLabel,
  danger = false,
}: {
  token: string;
  action: (previous: FormState, formData: FormData) => Promise<FormState>;
  label: string;
  pendingLabel: string;
  danger?: boolean;
}): ReactNode {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, IDLE);
  if (state.status === "success") {
    return (
      <div className="stack">
        <p role="status" className="form-success">
          {state.message}
        </p>
        <p>
          <Link href="/login?next=%2Faccount" className="button">
            Sign in
          </Link>
        </p>
      </div>
    );
  }
  return (
    <form action={formAction} className="stack">
      <input type="hidden" name="token" value={token} />
      <FormError state={state} />
      <button type="submit" className={danger ? "button danger" : "button"} disabled={pending}>
        {pending ? pendingLabel : label}
      </button>
    </form>
  );
}
