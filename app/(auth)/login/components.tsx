"use client";

import { useActionState, type ReactNode } from "react";
import { FormError } from "../../form-error";
import { IDLE, type FormState } from "../../form-state";
import { loginAction, type LoginField } from "./actions";

export function LoginForm({ next }: { next: string }): ReactNode {
  const [state, formAction, pending] = useActionState<FormState<LoginField>, FormData>(loginAction, IDLE);
  const errors = state.status === "error" ? state.fieldErrors : {};
  return (
    <form action={formAction} className="stack" noValidate>
      <input type="hidden" name="next" value={next} />
      <div className="field">
        <label htmlFor="login-email">Email</label>
        <input
          id="login-email"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={state.status === "error" ? state.email : undefined}
          aria-invalid={errors.email !== undefined}
          aria-describedby={errors.email !== undefined ? "login-email-error" : undefined}
        />
        {errors.email !== undefined ? (
          <p id="login-email-error" className="field-error">
            {errors.email}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={errors.password !== undefined}
          aria-describedby={errors.password !== undefined ? "login-password-error" : undefined}
        />
        {errors.password !== undefined ? (
          <p id="login-password-error" className="field-error">
            {errors.password}
          </p>
        ) : null}
      </div>
      <div className="checkbox">
        <input id="login-remember" name="remember" type="checkbox" />
        <label htmlFor="login-remember">Remember me</label>
      </div>
      <FormError state={state} />
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
