import type { ReactNode } from "react";
import type { AuditEntry } from "@/lib/ops/audit";

const ACTION_LABELS: Record<AuditEntry["action"], string> = {
  revoke_session: "Ended a session",
  revoke_user_sessions: "Ended all sessions",
  lock_account: "Disabled the account",
  unlock_account: "Enabled the account",
  sign_out_everyone: "Signed out everyone",
};

const absoluteFormat = new Intl.DateTimeFormat("en", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

export function AuditLog({ entries }: { entries: AuditEntry[] | null }): ReactNode {
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Admin audit log</h2>
      {entries === null ? (
        <p>We can&apos;t show the audit log right now.</p>
      ) : entries.length === 0 ? (
        <p>No admin action yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">User</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry, i) => (
              <tr key={`${entry.at}-${i}`}>
                <td>
                  <time dateTime={new Date(entry.at).toISOString()}>{absoluteFormat.format(entry.at)}</time>
                </td>
                <td>{entry.admin}</td>
                <td>{ACTION_LABELS[entry.action]}</td>
                <td>{entry.email ?? "everyone"}</td>
                <td>{entry.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
