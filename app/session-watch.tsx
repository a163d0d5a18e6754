import type { ReactNode } from "react";
import { getCurrentUser } from "@/lib/auth/dal";
import { sessionWatchFor } from "@/lib/ops/deadline";
import { getSessionKit } from "@/lib/session/next";
import { SessionWatchClient } from "./session-watch-client";

/** Idle warning + cross-tab sign-out for every page (see session-watch-client.tsx). */
export async function SessionWatch(): Promise<ReactNode> {
  const current = await getCurrentUser();
  // Keyed by the deadline: a client navigation that signs in (or moves the deadline) remounts it with fresh state.
  if (current.status !== "signed_in") return <SessionWatchClient key="signed-out" watch={null} />;
  const watch = sessionWatchFor(
    current.session,
    getSessionKit().config,
    process.env.SESSION_IDLE_WARNING_SECONDS,
  );
  return <SessionWatchClient key={`${current.session.id}:${watch.expiresAt}`} watch={watch} />;
}
