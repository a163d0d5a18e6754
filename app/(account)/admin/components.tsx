"use client";

import {
  createContext,
  startTransition,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { IDLE, type FormState } from "../../form-state";
import { useStepUpActionState } from "../step-up-dialog";
import {
  lockAccountAction,
  revokeSessionAction,
  revokeUserSessionsAction,
  signOutEveryoneAction,
  unlockAccountAction,
  type SweepState,
} from "./actions";

type Action = (previous: FormState, formData: FormData) => Promise<FormState>;

const ACTIONS = {
  revokeSession: revokeSessionAction,
  revokeUserSessions: revokeUserSessionsAction,
  lockAccount: lockAccountAction,
  unlockAccount: unlockAccountAction,
} satisfies Record<string, Action>;

function Outcome({ state }: { state: FormState }): ReactNode {
  if (state.status === "idle") return null;
  return (
    <p role={state.status === "error" ? "alert" : "status"} className={state.status}>
      {state.message}
    </p>
  );
}

const OutcomeContext = createContext<(state: FormState) => void>(() => {});

/**
 * Where the outcome of the admin actions inside is announced: above them, so it outlives the form that asked
 * (ending a session removes its row).
 */
export function ActionOutcomes({ children }: { children: ReactNode }): ReactNode {
  const [last, setLast] = useState<FormState>(IDLE);
  return (
    <OutcomeContext value={setLast}>
      <Outcome state={last} />
      {children}
    </OutcomeContext>
  );
}

/** One admin action as a one-button form; its outcome goes to the enclosing `ActionOutcomes`. */
export function AdminActionForm({
  action,
  fields,
  label,
  danger = false,
}: {
  action: keyof typeof ACTIONS;
  fields: Record<string, string>;
  label: string;
  danger?: boolean;
}): ReactNode {
  const report = useContext(OutcomeContext);
  const [, actionForm, pending] = useStepUpActionState<FormState>(async (previous, formData) => {
    const next = await ACTIONS[action](previous, formData);
    if (next.status !== "error" || next.stepUp !== true) report(next);
    return next;
  }, IDLE);
  return (
    <form {...actionForm} className="inline-action">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={danger ? "button danger" : "button secondary"} disabled={pending}>
        {pending ? "Working…" : label}
      </button>
    </form>
  );
}

/** Starts the sign-out of everyone, then keeps asking for the next slice until the walk is complete. */
export function SignOutEveryone({ resumable }: { resumable: boolean }): ReactNode {
  const [state, sweepForm, pending, run] = useStepUpActionState<SweepState>(signOutEveryoneAction, IDLE);
  const asked = useRef(0);
  const progress = state.status === "success" ? state.progress : undefined;

  useEffect(() => {
    if (pending || progress === undefined || progress.complete || asked.current > 1000) return;
    asked.current += 1;
    const next = new FormData();
    next.set("intent", "resume");
    startTransition(() => run(next));
  }, [pending, progress, run]);

  return (
    <form {...sweepForm} className="sweep">
      <label>
        <input type="checkbox" name="confirm" /> I understand: every user is signed out, me included
      </label>
      <div className="actions">
        <button type="submit" name="intent" value="start" className="button danger" disabled={pending}>
          Sign out everyone
        </button>
        {resumable ? (
          <button type="submit" name="intent" value="resume" className="button secondary" disabled={pending}>
            Continue the last sign-out
          </button>
        ) : null}
      </div>
      {progress !== undefined && !progress.complete ? <progress aria-label="Sign-out progress" /> : null}
      <Outcome state={state} />
    </form>
  );
}
