import type { ReactNode } from "react";

type FieldProps = {
  id: string;
  name: string;
  label: string;
  type: "email" | "password";
  autoComplete: string;
  error: string | undefined;
  hint?: string;
  defaultValue?: string;
};

/** A labelled input with its hint and its error tied to it, the way every form of the app shows them. */
export function Field({
  id,
  name,
  label,
  type,
  autoComplete,
  error,
  hint,
  defaultValue,
}: FieldProps): ReactNode {
  const describedBy = [hint !== undefined ? `${id}-hint` : "", error !== undefined ? `${id}-error` : ""]
    .filter((value) => value !== "")
    .join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required
        defaultValue={defaultValue}
        aria-invalid={error !== undefined}
        aria-describedby={describedBy === "" ? undefined : describedBy}
      />
      {hint !== undefined ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error !== undefined ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
