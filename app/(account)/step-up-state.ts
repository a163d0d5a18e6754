import type { FormState } from "../form-state";

/** What a sensitive action answers without a recent password confirmation; the form's dialog asks for it. */
export function stepUpRequired<Field extends string>(): FormState<Field> {
  return {
    status: "error",
    message: "Confirm your password to continue.",
    fieldErrors: {},
    stepUp: true,
    at: Date.now(),
  };
}
