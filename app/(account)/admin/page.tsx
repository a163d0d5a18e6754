import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { getCurrentUser, loginUrl } from "@/lib/auth/dal";
import { isAdminEmail } from "@/lib/ops/admin";
import { getSessionKit } from "@/lib/session/next";
import { redirect } from "next/navigation";
import { ServiceUnavailable } from "../../service-unavailable";
import { BarChart } from "./charts";

function time(ms: number, withMinutes: boolean): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  return withMinutes ? `${hh}:${String(d.getUTCMinutes()).padStart(2, "0")}` : `${hh}:00`;
}

function seconds(value: number): string {
  if (value < 120) return `${Math.round(value)} s`;
  if (value < 7200) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

export default async function AdminPage(): Promise<ReactNode> {
  const current = await getCurrentUser();
  if (current.status === "unavailable") return <ServiceUnavailable />;
  if (current.status === "signed_out") redirect(loginUrl("/admin", current.reason));
  // Not an admin: the page does not exist for you.
  if (!isAdminEmail(current.email)) notFound();

  const read = await getSessionKit().readMetrics();
  if (!read.ok) return <ServiceUnavailable />;
  const m = read.metrics;
  const endedCount = Object.values(m.endedTotal).reduce((sum, n) => sum + n, 0);
  const average = endedCount === 0 ? 0 : m.endedDurationMsTotal / 1000 / endedCount;
  const distribution = Object.entries(m.usersBySessions).sort((a, b) => Number(a[0]) - Number(b[0]));

  return (
    <main>
      <h1>Sessions</h1>
      <p className="lede">
        Live figures from Redis (times in UTC). Prometheus scrapes the same at /api/metrics.
      </p>
      <dl className="figures">
        <div>
          <dt>Active sessions</dt>
          <dd>{m.activeSessions}</dd>
        </div>
        <div>
          <dt>Sign-ins, last hour</dt>
          <dd>{m.lastHour.reduce((sum, b) => sum + b.created, 0)}</dd>
        </div>
        <div>
          <dt>Average session duration</dt>
          <dd>{seconds(average)}</dd>
        </div>
        <div>
          <dt>Failed sign-ins, last 24 h</dt>
          <dd>{m.lastDay.reduce((sum, b) => sum + b.failedSignIns, 0)}</dd>
        </div>
        <div>
          <dt>Most sessions for one user</dt>
          <dd>{m.maxSessionsPerUser}</dd>
        </div>
      </dl>
      <BarChart
        title="Sign-ins per minute, last hour"
        unit="sign-ins"
        points={m.lastHour.map((b) => ({ label: time(b.start, true), value: b.created }))}
      />
      <BarChart
        title="Failed sign-ins per minute, last hour"
        unit="failed attempts"
        points={m.lastHour.map((b) => ({ label: time(b.start, true), value: b.failedSignIns }))}
      />
      <BarChart
        title="Sign-ins per hour, last 24 hours"
        unit="sign-ins"
        points={m.lastDay.map((b) => ({ label: time(b.start, false), value: b.created }))}
      />
      <h2>Concurrent sessions per user</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Live sessions</th>
            <th scope="col">Users</th>
          </tr>
        </thead>
        <tbody>
          {distribution.length === 0 ? (
            <tr>
              <td colSpan={2}>Nobody is signed in.</td>
            </tr>
          ) : (
            distribution.map(([n, users]) => (
              <tr key={n}>
                <td>{n}</td>
                <td>{users}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <h2>Ended sessions</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col">Sessions</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(m.endedTotal).map(([reason, n]) => (
            <tr key={reason}>
              <td>{reason.replace("_", " ")}</td>
              <td>{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
