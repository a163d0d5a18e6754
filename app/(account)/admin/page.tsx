import type { ReactNode } from "react";
import { z } from "zod";
import { findUserByEmail, type User } from "@/lib/auth/users";
import { listAdminActions } from "@/lib/ops/audit";
import type { ActivityEntry, Session } from "@/lib/session";
import { createStoreClient, readSweepProgress, type SweepProgress } from "@/lib/session/ops";
import { getSessionKit } from "@/lib/session/next";
import { ServiceUnavailable } from "../../service-unavailable";
import { AuditLog } from "./audit-log";
import { SignOutEveryone } from "./components";
import { requireAdmin } from "./guard";
import { Metrics } from "./metrics";
import { UserPanel } from "./user-panel";

const ACTIVITY_LIMIT = 20;

const searchSchema = z.object({ email: z.email().max(254).optional().catch(undefined) });

type Found =
  | { kind: "none" }
  | { kind: "not_found"; email: string }
  | { kind: "found"; user: User; sessions: Session[]; activity: ActivityEntry[] };

async function findUser(email: string | undefined): Promise<Found | null> {
  if (email === undefined) return { kind: "none" };
  const found = await findUserByEmail(email);
  if (!found.ok) return null;
  if (found.user === null) return { kind: "not_found", email };
  const listed = await getSessionKit().listUserSessions(found.user.id, { activityLimit: ACTIVITY_LIMIT });
  if (!listed.ok) return null;
  return { kind: "found", user: found.user, sessions: listed.sessions, activity: listed.activity ?? [] };
}

function sweepSummary(progress: SweepProgress | null): string {
  if (progress === null) return "Nobody was signed out this way yet.";
  const when = new Date(progress.startedAt).toISOString().replace("T", " ").slice(0, 19);
  const counts = `${progress.revoked} sessions of ${progress.users} users ended`;
  return progress.complete
    ? `Last sign-out of everyone: started ${when} UTC, complete, ${counts}.`
    : `A sign-out of everyone started ${when} UTC is not complete (${counts} so far): continue it.`;
}

export default async function AdminPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}): Promise<ReactNode> {
  const check = await requireAdmin();
  if (!check.ok) return <ServiceUnavailable />;
  const search = searchSchema.parse(await searchParams);
  const kit = getSessionKit();
  const [metrics, found, audit, sweep] = await Promise.all([
    kit.readMetrics(),
    findUser(search.email),
    listAdminActions(20),
    readSweepProgress(createStoreClient(kit.config, process.env), kit.config.keyPrefix),
  ]);
  if (!metrics.ok || found === null) return <ServiceUnavailable />;
  const progress = sweep.ok ? sweep.progress : null;

  return (
    <main>
      <h1>Admin</h1>
      <section aria-labelledby="find-heading">
        <h2 id="find-heading">Find a user</h2>
        <form method="get" action="/admin" className="search">
          <label htmlFor="admin-email">Email</label>
          <input id="admin-email" name="email" type="email" defaultValue={search.email ?? ""} required />
          <button type="submit" className="button">
            Find
          </button>
        </form>
        {found.kind === "not_found" ? <p role="status">No account uses {found.email}.</p> : null}
      </section>
      {found.kind === "found" ? (
        <UserPanel user={found.user} sessions={found.sessions} activity={found.activity} />
      ) : null}
      <section aria-labelledby="everyone-heading">
        <h2 id="everyone-heading">Sign out everyone</h2>
        <p>
          For an incident: ends every session of every user, and refuses sign-ins that were in flight. Users
          sign in again with their password.
        </p>
        <p>
          {sweep.ok ? sweepSummary(progress) : "The progress of the last sign-out cannot be read right now."}
        </p>
        <SignOutEveryone resumable={progress !== null && !progress.complete} />
      </section>
      <AuditLog entries={audit.ok ? audit.entries : null} />
      <Metrics metrics={metrics.metrics} />
    </main>
  );
}
