"use client";

import Link from "next/link";
import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
import { IDLE, type FormState } from "../../form-state";
import { reportNotMeAction } from "./actions";

export function ReportForm({ token }: { token: string }): ReactNode {
  const [state, formAction, pending] = useActionState<FormState, FormData>(reportNotMeAction, IDLE);
  if (state.status === "success") {
    return (
      <div className="stack">
        <p role="status" className="form-success">
          {state.message}
        </p>
        <p>
          <Link href="/login?next=%2Faccount" className="button">
            Change your password
          </Link>
        </p>
      </div>
    );
  }
  return (
    <form action={formAction} className="stack">
      <input type="hidden" name="token" value={token} />
      <FormError state={state} />
      <button type="submit" className="button danger" disabled={pending}>
        {pending ? "Signing that device out…" : "Sign out that device"}
      </button>
    </form>
  );
}
