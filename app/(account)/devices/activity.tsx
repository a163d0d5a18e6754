import type { ReactNode } from "react";
import type { ActivityEntry, ActivityType } from "@/lib/session/ops";
import { relativeTime } from "./format";

const LABELS: Record<ActivityType, string> = {
  sign_in: "Signed in",
  sign_in_new_device: "Signed in from a new device",
  sign_in_refused: "Sign-in refused (too many devices)",
  sign_in_failed: "Failed sign-in attempt",
  sign_out: "Signed out",
  revoked: "Device signed out",
  evicted: "Signed out by a newer sign-in",
  password_change: "Password changed",
  account_disabled: "Account disabled by an administrator",
  account_enabled: "Account enabled again by an administrator",
  password_changed: "Signed out by a password change",
  password_reset: "Signed out by a password reset",
  admin_revoked: "Signed out by an administrator",
  account_locked: "Signed out: account disabled",
  signed_out_everyone: "Signed out with everyone (security)",
};

const absoluteFormat = new Intl.DateTimeFormat("en", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export type ActivityRow = {
  key: string;
  what: string;
  device: string;
  ip: string;
  iso: string;
  title: string;
  when: string;
};

/** Display rows, times relative to now. */
export function toActivityRows(entries: readonly ActivityEntry[]): ActivityRow[] {
  const nowMs = Date.now();
  return entries.map((entry, i) => ({
    key: `${entry.at}-${i}`,
    what: LABELS[entry.type],
    device:
      entry.device.userAgent === ""
        ? "Administrator"
        : `${entry.device.browser ?? "Unknown browser"} on ${entry.device.os ?? "unknown OS"}`,
    ip: entry.device.ip ?? "Unknown",
    iso: new Date(entry.at).toISOString(),
    title: `${absoluteFormat.format(entry.at)} UTC`,
    when: relativeTime(entry.at, nowMs),
  }));
}

/** Shown instead of the column headers on a phone; screen readers already hear the headers. */
function CellLabel({ children }: { children: string }): ReactNode {
  return (
    <span className="cell-label" aria-hidden="true">
      {children}
    </span>
  );
}

export function SecurityActivity({ entries }: { entries: ActivityRow[] | null }): ReactNode {
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">Recent security activity</h2>
      {entries === null ? (
        <p>We can&apos;t show your recent activity right now.</p>
      ) : entries.length === 0 ? (
        <p>Nothing yet.</p>
      ) : (
        <table className="activity" aria-labelledby="activity-heading">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Device</th>
              <th scope="col">IP</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((row) => (
              <tr key={row.key}>
                <td>
                  <CellLabel>What</CellLabel>
                  <span>{row.what}</span>
                </td>
                <td>
                  <CellLabel>Device</CellLabel>
                  <span>{row.device}</span>
                </td>
                <td>
                  <CellLabel>IP</CellLabel>
                  <span>{row.ip}</span>
                </td>
                <td>
                  <CellLabel>When</CellLabel>
                  <time dateTime={row.iso} title={row.title}>
                    {row.when}
                    <span className="visually-hidden"> ({row.title})</span>
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
