"use client";

import {
  createContext,
  startTransition,
  useActionState,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
} from "react";
import { FormError } from "../form-error";
import { IDLE, type FormState } from "../form-state";
import { confirmPasswordAction, type ConfirmPasswordField } from "./step-up-actions";
import "./step-up-dialog.css";

/** Opens the dialog; resolves true once the password is confirmed. Focus goes back to `returnTo` on close. */
type StepUp = { confirm: (returnTo: HTMLElement | null) => Promise<boolean> };

const StepUpContext = createContext<StepUp>({ confirm: async () => false });

/** Spread onto the `<form>`: the action stays React's own dispatch, so the form also posts without JavaScript. */
export type StepUpFormProps = {
  action: (formData: FormData) => void;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
};

/**
 * useActionState for a sensitive action: when the server answers that it needs a recent password confirmation
 * (`stepUp`), the password dialog opens, and once the password is confirmed the same form data runs again.
 * Returns the state, the form's props, pending, and `run` for a dispatch from code (not from a form).
 */
export function useStepUpActionState<State extends FormState<string>>(
  action: (previous: State, formData: FormData) => Promise<State>,
  initial: State,
): [State, StepUpFormProps, boolean, (formData: FormData) => void] {
  // A FormState holds no promise, so Awaited<State> is State (React types the state as awaited).
  const [state, dispatch, pending] = useActionState<State, FormData>(
    action as (previous: Awaited<State>, formData: FormData) => Promise<State>,
    initial as Awaited<State>,
  );
  const { confirm } = useContext(StepUpContext);
  const lastForm = useRef<FormData | null>(null);
  const lastFocus = useRef<HTMLElement | null>(null);
  const asked = useRef<number | null>(null);

  useEffect(() => {
    if (state.status !== "error" || state.stepUp !== true || asked.current === state.at) return;
    asked.current = state.at;
    const formData = lastForm.current;
    if (formData === null) return;
    void confirm(lastFocus.current).then((confirmed) => {
      if (confirmed) startTransition(() => dispatch(formData));
    });
  }, [state, confirm, dispatch]);

  // The submit button, before pending disables it: where focus returns when the dialog closes.
  const remember = useCallback((formData: FormData) => {
    lastForm.current = formData;
    lastFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }, []);
  const onSubmit = useCallback(
    (event: FormEvent<HTMLFormElement>) => {
      const submitter = (event.nativeEvent as SubmitEvent).submitter;
      remember(new FormData(event.currentTarget, submitter));
    },
    [remember],
  );
  const run = useCallback(
    (formData: FormData) => {
      remember(formData);
      dispatch(formData);
    },
    [dispatch, remember],
  );
  const formProps = useMemo(() => ({ action: dispatch, onSubmit }), [dispatch, onSubmit]);
  return [state, formProps, pending, run];
}

export function StepUpProvider({ children }: { children: ReactNode }): ReactNode {
  const [request, setRequest] = useState(0);
  const resolver = useRef<((confirmed: boolean) => void) | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  const confirm = useCallback((returnTo: HTMLElement | null): Promise<boolean> => {
    resolver.current?.(false);
    returnFocus.current = returnTo;
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
      setRequest((count) => count + 1);
    });
  }, []);

  const finish = useCallback((confirmed: boolean) => {
    const resolve = resolver.current;
    resolver.current = null;
    setRequest(0);
    const target = returnFocus.current;
    returnFocus.current = null;
    if (target !== null && target.isConnected) target.focus();
    resolve?.(confirmed);
  }, []);

  const value = useMemo(() => ({ confirm }), [confirm]);
  return (
    <StepUpContext.Provider value={value}>
      {children}
      {request === 0 ? null : <StepUpDialog key={request} onDone={finish} />}
    </StepUpContext.Provider>
  );
}

function StepUpDialog({ onDone }: { onDone: (confirmed: boolean) => void }): ReactNode {
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [state, formAction, pending] = useActionState<FormState<ConfirmPasswordField>, FormData>(
    confirmPasswordAction,
    IDLE,
  );

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    input.current?.focus();
  }, []);

  useEffect(() => {
    if (state.status === "success") {
      dialog.current?.close();
      onDone(true);
    }
    if (state.status === "error") input.current?.focus();
  }, [state, onDone]);

  const cancel = (): void => {
    dialog.current?.close();
    onDone(false);
  };
  const error = state.status === "error" ? state.fieldErrors.password : undefined;

  return (
    <dialog
      ref={dialog}
      className="step-up-dialog"
      aria-labelledby="step-up-title"
      aria-describedby="step-up-text"
      onCancel={(event) => {
        event.preventDefault();
        if (!pending) cancel();
      }}
    >
      <h2 id="step-up-title">Confirm your password</h2>
      <p id="step-up-text">
        This action needs your password. You won&apos;t be asked again for a few minutes on this device.
      </p>
      <form action={formAction} className="stack" noValidate>
        <div className="field">
          <label htmlFor="step-up-password">Password</label>
          <input
            ref={input}
            id="step-up-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={error !== undefined}
            aria-describedby={error !== undefined ? "step-up-password-error" : undefined}
          />
          {error !== undefined ? (
            <p id="step-up-password-error" className="field-error">
              {error}
            </p>
          ) : null}
        </div>
        <FormError state={state} />
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            {pending ? "Confirming…" : "Confirm password"}
          </button>
          <button type="button" className="button secondary" onClick={cancel} disabled={pending}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
