import type { ReactNode } from "react";
import type { FormState } from "./form-state";

/** The live region every form keeps mounted, so screen readers announce an error when it appears. */
export function FormError<Field extends string>({ state }: { state: FormState<Field> }): ReactNode {
  return (
    <div aria-live="polite" className="form-message">
      {state.status === "error" ? (
        <p role="alert" className="form-error">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

/** The same live region for forms that also report success (account settings): either message is announced. */
export function FormStatus<Field extends string>({ state }: { state: FormState<Field> }): ReactNode {
  return (
    <div role="status" aria-live="polite" className="form-message">
      {state.status === "idle" ? null : (
        <p className={state.status === "error" ? "form-error" : "form-success"}>{state.message}</p>
      )}
    </div>
  );
}
