"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import { IDLE, type FormState } from "../../form-state";
import { useStepUpActionState, type StepUpFormProps } from "../step-up-dialog";
import { revokeUserSessionsAction, revokeOtherSessionsAction, revokeSessionAction } from "./actions";
import type { DeviceView } from "./format";

/**
 * Two-step submit. The confirm button never appears where the first press was, so a double-click (perhaps
 * lured by a page that frames this one) cannot confirm: Cancel takes the first button's place, at least its
 * size, and gets the focus (a second Enter cancels too); the confirm button sits below it. Escape cancels;
 * focus goes back to the first button.
 */
function ConfirmSubmit({
  label,
  confirmLabel,
  pending,
  danger = false,
}: {
  label: ReactNode;
  confirmLabel: string;
  pending: boolean;
  danger?: boolean;
}): ReactNode {
  const [askSize, setAskSize] = useState<{ width: number; height: number } | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  const confirming = askSize !== null;

  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
    if (!confirming && wasConfirming.current) askRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  if (!confirming) {
    return (
      <button
        ref={askRef}
        type="button"
        className={danger ? "button danger" : "button secondary"}
        onClick={(event) => {
          const box = event.currentTarget.getBoundingClientRect();
          setAskSize({ width: box.width, height: box.height });
        }}
        disabled={pending}
      >
        {label}
      </button>
    );
  }
  return (
    <span
      className="confirm"
      role="group"
      aria-label={confirmLabel}
      onKeyDown={(event) => {
        if (event.key !== "Escape" || pending) return;
        event.preventDefault();
        setAskSize(null);
      }}
    >
      <button
        ref={cancelRef}
        type="button"
        className="button secondary"
        // Set by React through the DOM, not as markup: allowed by the page's style-src.
        style={{ minWidth: askSize.width, minHeight: askSize.height }}
        onClick={() => setAskSize(null)}
        disabled={pending}
      >
        Cancel
      </button>
      <button type="submit" className="button danger" disabled={pending}>
        {pending ? "Working…" : confirmLabel}
      </button>
    </span>
  );
}

function DeviceCard({
  device,
  revokeForm,
  pending,
}: {
  device: DeviceView;
  revokeForm: StepUpFormProps;
  pending: boolean;
}): ReactNode {
  const headingId = `device-${device.id}`;
  return (
    <li className="device" aria-labelledby={headingId}>
      <div className="device-head">
        <h3 id={headingId}>
          {device.name}
          {device.isCurrent ? (
            <>
              {" "}
              <span className="badge">This device</span>
            </>
          ) : null}
        </h3>
      </div>
      <dl className="device-facts">
        <div>
          <dt>Type</dt>
          <dd>{device.deviceType}</dd>
        </div>
        <div>
          <dt>Browser</dt>
          <dd>{device.browser}</dd>
        </div>
        <div>
          <dt>Operating system</dt>
          <dd>{device.os}</dd>
        </div>
        <div>
          <dt>IP address</dt>
          <dd>{device.ip}</dd>
        </div>
        <div>
          <dt>Approximate location</dt>
          <dd>{device.location}</dd>
        </div>
        <div>
          <dt>Signed in</dt>
          <dd>
            <time dateTime={device.createdAtIso}>{device.createdAtLabel}</time>
          </dd>
        </div>
        <div>
          <dt>Last active</dt>
          <dd>
            <time dateTime={device.lastActiveAtIso} title={device.lastActiveAtLabel}>
              {device.lastActiveLabel}
              <span className="visually-hidden"> ({device.lastActiveAtLabel})</span>
            </time>
          </dd>
        </div>
      </dl>
      {device.isCurrent ? null : (
        <form {...revokeForm} className="device-actions">
          <input type="hidden" name="sessionId" value={device.id} />
          <ConfirmSubmit
            label={
              <>
                Sign out<span className="visually-hidden"> {device.name}</span>
              </>
            }
            confirmLabel={`Confirm sign out of ${device.name}`}
            pending={pending}
          />
        </form>
      )}
    </li>
  );
}

function latest(...states: FormState[]): FormState {
  let newest: FormState = IDLE;
  for (const state of states) {
    if (state.status === "idle") continue;
    if (newest.status === "idle" || state.at > newest.at) newest = state;
  }
  return newest;
}

export function DevicesManager({
  devices,
  otherCount,
}: {
  devices: DeviceView[];
  otherCount: number;
}): ReactNode {
  const [revokeState, revokeForm, revokePending] = useStepUpActionState(revokeSessionAction, IDLE);
  const [othersState, othersForm, othersPending] = useStepUpActionState(revokeOtherSessionsAction, IDLE);
  const [everywhereState, everywhereForm, everywherePending] = useStepUpActionState(
    revokeUserSessionsAction,
    IDLE,
  );
  const result = latest(revokeState, othersState, everywhereState);
  const pending = revokePending || othersPending || everywherePending;
  const listRef = useRef<HTMLUListElement>(null);

  // The pressed button is gone (its card signed out) or was disabled while pending: keep the keyboard user here.
  useEffect(() => {
    if (result.status === "idle") return;
    const active = document.activeElement;
    if (active === null || active === document.body) listRef.current?.focus();
  }, [result]);

  return (
    <>
      <div role="status" aria-live="polite" className="live-region">
        {result.status === "idle" ? null : (
          <p className={result.status === "error" ? "form-error" : "form-success"}>{result.message}</p>
        )}
      </div>

      <ul ref={listRef} tabIndex={-1} className="device-list" aria-label="Signed-in devices">
        {devices.map((device) => (
          <DeviceCard key={device.id} device={device} revokeForm={revokeForm} pending={pending} />
        ))}
      </ul>

      {otherCount === 0 ? <p className="empty">This is the only device signed in to your account.</p> : null}

      <section aria-labelledby="bulk-heading" className="bulk">
        <h2 id="bulk-heading">Sign out in bulk</h2>
        <div className="bulk-actions">
          {otherCount > 0 ? (
            <form {...othersForm}>
              <ConfirmSubmit
                label={`Sign out of ${otherCount} other ${otherCount === 1 ? "device" : "devices"}`}
                confirmLabel={`Confirm sign out of ${otherCount} other ${otherCount === 1 ? "device" : "devices"}`}
                pending={pending}
              />
            </form>
          ) : null}
          <form {...everywhereForm}>
            <ConfirmSubmit
              label="Sign out everywhere"
              confirmLabel="Confirm sign out everywhere"
              pending={pending}
              danger
            />
          </form>
        </div>
      </section>
    </>
  );
}
