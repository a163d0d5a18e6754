import type { Session } from "@/lib/session";

export type DeviceView = {
  id: string;
  isCurrent: boolean;
  name: string;
  deviceType: string;
  browser: string;
  os: string;
  ip: string;
  location: string;
  createdAtIso: string;
  createdAtLabel: string;
  lastActiveAtIso: string;
  lastActiveLabel: string;
  lastActiveAtLabel: string;
};

const DEVICE_TYPE_LABELS = {
  desktop: "Desktop",
  mobile: "Mobile",
  tablet: "Tablet",
  other: "Other device",
} as const;

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function relativeTime(thenMs: number, nowMs: number): string {
  const seconds = Math.round((thenMs - nowMs) / 1000);
  if (Math.abs(seconds) < 60) return "just now";
  for (const [unit, unitSeconds] of UNITS) {
    if (Math.abs(seconds) >= unitSeconds)
      return relativeFormat.format(Math.round(seconds / unitSeconds), unit);
  }
  return "just now";
}

const absoluteFormat = new Intl.DateTimeFormat("en", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export function toDeviceView(session: Session, currentId: string, nowMs: number): DeviceView {
  const { device } = session;
  const browser = device.browser ?? "Unknown browser";
  const os = device.os ?? "unknown OS";
  return {
    id: session.id,
    isCurrent: session.id === currentId,
    name: `${browser} on ${os}`,
    deviceType: DEVICE_TYPE_LABELS[device.deviceType ?? "other"],
    browser,
    os,
    ip: device.ip ?? "Unknown",
    location: device.location ?? "Unknown",
    createdAtIso: new Date(session.createdAt).toISOString(),
    createdAtLabel: `${absoluteFormat.format(session.createdAt)} UTC`,
    lastActiveAtIso: new Date(session.lastActiveAt).toISOString(),
    lastActiveLabel: relativeTime(session.lastActiveAt, nowMs),
    lastActiveAtLabel: `${absoluteFormat.format(session.lastActiveAt)} UTC`,
  };
}

/** Newest activity first, as of now. */
export function toDeviceViews(sessions: readonly Session[], currentId: string): DeviceView[] {
  const nowMs = Date.now();
  return [...sessions]
    .sort((a, b) => b.lastActiveAt - a.lastActiveAt)
    .map((session) => toDeviceView(session, currentId, nowMs));
}
