import type { ReactNode } from "react";
import type { MetricsSnapshot } from "@/lib/session/ops";
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

export function Metrics({ metrics }: { metrics: MetricsSnapshot }): ReactNode {
  const m = metrics;
  const endedCount = Object.values(m.endedTotal).reduce((sum, n) => sum + n, 0);
  const average = endedCount === 0 ? 0 : m.endedDurationMsTotal / 1000 / endedCount;
  const distribution = Object.entries(m.usersBySessions).sort((a, b) => Number(a[0]) - Number(b[0]));

  return (
    <section aria-labelledby="metrics-heading">
      <h2 id="metrics-heading">Sessions</h2>
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
      <h3>Concurrent sessions per user</h3>
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
      <h3>Ended sessions</h3>
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
    </section>
  );
}
