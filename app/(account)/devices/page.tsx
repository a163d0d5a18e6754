import type { ReactNode } from "react";
import { requireSession } from "@/lib/auth/dal";
import { DEVICES_ACTIVITY_LIMIT } from "@/lib/auth/session-routes";
import { listCurrentUserSessions } from "@/lib/session/next";
import { ServiceUnavailable } from "../../service-unavailable";
import { SecurityActivity, toActivityRows } from "./activity";
import { DevicesManager } from "./components";
import { toDeviceViews } from "./format";

export default async function DevicesPage(): Promise<ReactNode> {
  const check = await requireSession("/devices");
  if (!check.ok) return <ServiceUnavailable />;
  const listed = await listCurrentUserSessions(check.session.userId, {
    activityLimit: DEVICES_ACTIVITY_LIMIT,
  });
  if (!listed.ok) return <ServiceUnavailable />;

  const devices = toDeviceViews(listed.sessions, check.session.id);
  const otherCount = devices.filter((device) => !device.isCurrent).length;

  return (
    <main>
      <h1>Active devices</h1>
      <p className="lede">
        Every browser signed in to your account. Sign out of any you don&apos;t recognise, then change your
        password.
      </p>
      <DevicesManager devices={devices} otherCount={otherCount} />
      <SecurityActivity entries={toActivityRows(listed.activity ?? [])} />
    </main>
  );
}
