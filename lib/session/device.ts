/**
 * Device information shown on the "devices" page.
 *
 * What: turns request headers (plus a parsed user agent) into `DeviceInfo`, and bounds what gets stored.
 * Display only: user agent, IP and location are client- or proxy-supplied and never used for security decisions.
 * The IP is read only from a header you name as set by your trusted proxy (SESSION_TRUSTED_IP_HEADER, e.g.
 * "x-real-ip" or "x-forwarded-for"), because any client can send those headers to an app not behind one.
 * Seam: `next.ts` feeds this from `next/server`'s `userAgent()`; elsewhere pass any parser's output.
 */
import type { DeviceInfo } from "./types";

const MAX_FIELD_LENGTH = 256;
const DEVICE_TYPES: ReadonlyArray<DeviceInfo["deviceType"]> = ["desktop", "mobile", "tablet", "other"];

export type ParsedUserAgent = {
  ua: string;
  browser?: { name?: string };
  os?: { name?: string };
  device?: { type?: string };
};

function clip(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === "") return undefined;
  return trimmed.slice(0, MAX_FIELD_LENGTH);
}

function deviceType(type: string | undefined): DeviceInfo["deviceType"] {
  if (type === undefined) return "desktop";
  if (type === "mobile" || type === "tablet") return type;
  return "other";
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Bounded copy of a DeviceInfo: what the kit stores (keeps the record and the cookie snapshot small). */
export function normalizeDevice(device: DeviceInfo): DeviceInfo {
  const out: DeviceInfo = { userAgent: clip(device.userAgent) ?? "" };
  const browser = clip(device.browser);
  const os = clip(device.os);
  const ip = clip(device.ip);
  const location = clip(device.location);
  if (browser !== undefined) out.browser = browser;
  if (os !== undefined) out.os = os;
  // Only the four known types: the record parser (record.ts) refuses anything else, which would sign the session
  // out as "malformed" on its first validation.
  if (device.deviceType !== undefined) {
    out.deviceType = DEVICE_TYPES.includes(device.deviceType) ? device.deviceType : "other";
  }
  if (ip !== undefined) out.ip = ip;
  if (location !== undefined) out.location = location;
  return out;
}

/** Builds DeviceInfo from headers and a parsed user agent. `trustedIpHeader` unset → no IP. */
export function deviceFromParts(
  headers: Headers,
  parsed: ParsedUserAgent,
  options: { trustedIpHeader?: string } = {},
): DeviceInfo {
  const ipHeader = options.trustedIpHeader?.trim().toLowerCase();
  // x-forwarded-for is "client, proxy1, proxy2": the first hop is the client as your proxy recorded it.
  const ip = ipHeader === undefined || ipHeader === "" ? undefined : headers.get(ipHeader)?.split(",")[0];
  const city = headers.get("x-vercel-ip-city");
  const country = headers.get("x-vercel-ip-country") ?? headers.get("cf-ipcountry");
  const location = [city === null ? undefined : safeDecode(city), country ?? undefined]
    .filter((part) => part !== undefined && part !== "" && part !== "XX")
    .join(", ");
  return normalizeDevice({
    userAgent: parsed.ua,
    browser: parsed.browser?.name,
    os: parsed.os?.name,
    deviceType: deviceType(parsed.device?.type),
    ip,
    location,
  });
}
