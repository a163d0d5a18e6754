import type { ReactNode } from "react";
import type { User } from "@/lib/auth/users";
import type { ActivityEntry, Session } from "@/lib/session";
import { SecurityActivity, toActivityRows } from "../devices/activity";
import { toDeviceViews } from "../devices/format";
import { ActionOutcomes, AdminActionForm } from "./components";

export function UserPanel({
  user,
  sessions,
  activity,
}: {
  user: User;
  sessions: Session[];
  activity: ActivityEntry[];
}): ReactNode {
  const views = toDeviceViews(sessions, "");
  const disabled = user.locked === true;
  return (
    <section aria-labelledby="user-heading" className="admin-user">
      <h2 id="user-heading">{user.email}</h2>
      <ActionOutcomes>
        <p>
          {disabled ? "This account is disabled: it cannot sign in." : "This account can sign in."}{" "}
          {views.length === 0
            ? "No live sessions."
            : `${views.length} live session${views.length === 1 ? "" : "s"}.`}
        </p>
        <div className="actions">
          {views.length > 0 ? (
            <AdminActionForm
              action="revokeUserSessions"
              fields={{ userId: user.id }}
              label="End all sessions"
              danger
            />
          ) : null}
          {disabled ? (
            <AdminActionForm action="unlockAccount" fields={{ userId: user.id }} label="Enable account" />
          ) : (
            <AdminActionForm
              action="lockAccount"
              fields={{ userId: user.id }}
              label="Disable account"
              danger
            />
          )}
        </div>
        {views.length > 0 ? (
          <table aria-label={`Sessions of ${user.email}`}>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Browser</th>
                <th scope="col">OS</th>
                <th scope="col">IP</th>
                <th scope="col">Location</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last active</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {views.map((view) => (
                <tr key={view.id}>
                  <td>{view.deviceType}</td>
                  <td>{view.browser}</td>
                  <td>{view.os}</td>
                  <td>{view.ip}</td>
                  <td>{view.location}</td>
                  <td>
                    <time dateTime={view.createdAtIso}>{view.createdAtLabel}</time>
                  </td>
                  <td>
                    <time dateTime={view.lastActiveAtIso}>{view.lastActiveLabel}</time>
                  </td>
                  <td>
                    <AdminActionForm
                      action="revokeSession"
                      fields={{ userId: user.id, sessionId: view.id }}
                      label={`End session: ${view.name}`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </ActionOutcomes>
      <SecurityActivity entries={toActivityRows(activity)} />
    </section>
  );
}
