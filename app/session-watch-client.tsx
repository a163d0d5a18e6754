"use client";

import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";

type Watch = { expiresAt: number; serverNow: number; warnSeconds: number };
type Message = { type: "signed-out" } | { type: "deadline"; remainingMs: number };

const CHANNEL = "session-kit";

function goToLogin(query: string): void {
  // A full navigation: nothing of the signed-in page should survive in memory.
  window.location.assign(new URL(`/login?${query}`, window.location.origin).href);
}

function format(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/**
 * Signed in: counts down to the server's idle deadline (server-relative, so a skewed client clock does not
 * matter), opens a warning `warnSeconds` before it with "Stay signed in" (touches the session; Escape too) and
 * "Sign out", and re-checks the session when the tab regains focus (a revoked device notices at once). Every tab
 * of the browser shares sign-outs and new deadlines over a BroadcastChannel. Signed out after a sign-out: tells
 * the other tabs.
 */
export function SessionWatchClient({ watch }: { watch: Watch | null }): ReactNode {
  const [deadline, setDeadline] = useState<number | null>(() =>
    watch === null ? null : Date.now() + (watch.expiresAt - watch.serverNow),
  );
  const [remaining, setRemaining] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const channel = useRef<BroadcastChannel | null>(null);
  const dialog = useRef<HTMLDialogElement | null>(null);
  const checking = useRef(false);
  const opener = useRef<Element | null>(null);

  const post = useCallback((message: Message): void => {
    channel.current?.postMessage(message);
  }, []);

  /** Applies a /api/session answer; false when signed out (and navigates away). */
  const apply = useCallback(
    async (response: Response): Promise<boolean> => {
      if (response.status === 401) {
        const body = (await response.json().catch(() => ({}))) as { reason?: string };
        const reason = body.reason === undefined || body.reason === "missing" ? "expired" : body.reason;
        const next = encodeURIComponent(window.location.pathname + window.location.search);
        goToLogin(`reason=${encodeURIComponent(reason)}&next=${next}`);
        return false;
      }
      if (!response.ok) return true;
      const body = (await response.json()) as { expiresAt: number; serverNow: number };
      const remainingMs = body.expiresAt - body.serverNow;
      setDeadline(Date.now() + remainingMs);
      post({ type: "deadline", remainingMs });
      return true;
    },
    [post],
  );

  const check = useCallback(async (): Promise<void> => {
    if (checking.current) return;
    checking.current = true;
    try {
      await apply(await fetch("/api/session", { cache: "no-store" }));
    } catch {
      // Offline or store down: keep counting; the next check decides.
    } finally {
      checking.current = false;
    }
  }, [apply]);

  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") return;
    const bc = new BroadcastChannel(CHANNEL);
    channel.current = bc;
    if (watch === null) {
      const params = new URLSearchParams(window.location.search);
      if (params.get("signed_out") === "1") bc.postMessage({ type: "signed-out" } satisfies Message);
    }
    bc.onmessage = (event: MessageEvent<Message>): void => {
      if (watch === null) return;
      if (event.data.type === "signed-out") goToLogin("signed_out=1");
      if (event.data.type === "deadline") setDeadline(Date.now() + event.data.remainingMs);
    };
    return () => {
      bc.close();
      channel.current = null;
    };
  }, [watch]);

  useEffect(() => {
    if (watch === null) return;
    const onFocus = (): void => {
      if (document.visibilityState === "visible") void check();
    };
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onFocus);
    return () => {
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onFocus);
    };
  }, [watch, check]);

  useEffect(() => {
    if (watch === null || deadline === null) return;
    const tick = (): void => {
      const left = deadline - Date.now();
      setRemaining(left);
      if (left <= 0) void check();
    };
    tick();
    const timer = window.setInterval(tick, 1000);
    return () => window.clearInterval(timer);
  }, [watch, deadline, check]);

  const warning = watch !== null && remaining !== null && remaining <= watch.warnSeconds * 1000;

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (warning && !element.open) {
      opener.current = document.activeElement;
      element.showModal();
    }
    if (!warning && element.open) {
      element.close();
      // Back where the keyboard user was when the warning interrupted them.
      if (opener.current instanceof HTMLElement && opener.current.isConnected) opener.current.focus();
      opener.current = null;
    }
  }, [warning]);

  if (watch === null) return null;

  const stay = async (): Promise<void> => {
    setBusy(true);
    try {
      await apply(await fetch("/api/session", { method: "POST" }));
    } finally {
      setBusy(false);
    }
  };

  const signOut = async (): Promise<void> => {
    setBusy(true);
    try {
      const response = await fetch("/api/session", { method: "DELETE" });
      if (response.ok) {
        post({ type: "signed-out" });
        goToLogin("signed_out=1");
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="idle-warning"
      aria-labelledby="idle-warning-title"
      aria-describedby="idle-warning-text"
      // Escape means "I'm here": it keeps the session, as Stay signed in does (closing alone would not touch it).
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) void stay();
      }}
    >
      <h2 id="idle-warning-title">Are you still there?</h2>
      <p id="idle-warning-text">
        You will be signed out in <strong>{format(remaining ?? 0)}</strong> for inactivity.
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={() => void stay()} disabled={busy}>
          Stay signed in
        </button>
        <button type="button" className="button secondary" onClick={() => void signOut()} disabled={busy}>
          Sign out
        </button>
      </div>
    </dialog>
  );
}
