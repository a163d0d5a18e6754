/**
 * Device information shown on the "devices" page.
 *
 * What: turns request headers (plus a parsed user agent) into `DeviceInfo`, and bounds what gets stored.
 * The kit shows user agent, IP and location and decides nothing on them; an app may key rate limits on the IP
 * (the starter app does), so the IP is read strictly, only from the proxy you say you trust (`TrustedProxy`,
 * built by config.ts from SESSION_TRUSTED_PLATFORM / SESSION_TRUSTED_IP_HEADER / SESSION_TRUSTED_PROXY_COUNT):
 * - a list header (`x-forwarded-for`, `forwarded`) is "client, proxy1, proxy2": every hop left of the one your
 *   nearest trusted proxy appended is whatever the client sent, so the IP is the entry `proxyCount` from the right;
 * - a single-value header (`x-real-ip`, `cf-connecting-ip`, ...) is taken as it is;
 * - either way only a well-formed IPv4/IPv6 address is kept; anything else means "no IP", never a guess.
 * Location headers are read only from the platform you trust (`vercel`, `cloudflare`), because any client can
 * send them to an app that is not behind that platform.
 * Seam: `next.ts` feeds this from `next/server`'s `userAgent()`; elsewhere pass any parser's output.
 */
import type { DeviceInfo } from "./types";

const MAX_FIELD_LENGTH = 256;

/** The proxies whose location headers the kit knows. "none": no location, and no default IP header. */
export const TRUSTED_PLATFORMS = ["none", "vercel", "cloudflare"] as const;
export type TrustedPlatform = (typeof TRUSTED_PLATFORMS)[number];

/** The header each platform overwrites with the address of the client it saw (a client cannot set it through). */
export const PLATFORM_IP_HEADERS: Readonly<Record<TrustedPlatform, string | undefined>> = {
  none: undefined,
  // Vercel overwrites x-real-ip and x-forwarded-for with the client's address; x-real-ip is what
  // @vercel/functions' ipAddress() reads.
  vercel: "x-real-ip",
  cloudflare: "cf-connecting-ip",
};

/** Headers that carry a chain of hops, one appended by each proxy; `proxyCount` counts only these. */
export const LIST_IP_HEADERS: ReadonlyArray<string> = ["x-forwarded-for", "forwarded"];

/**
 * Which proxy in front of the app says who the client is: `ipHeader` (lower case) names the header it sets,
 * `proxyCount` how many proxies append to a list header (1 = the one nearest the app), `platform` whose location
 * headers to read. `config.trustedProxy` is one; `NO_TRUSTED_PROXY` reads no IP and no location.
 */
export type TrustedProxy = {
  platform: TrustedPlatform;
  ipHeader: string | undefined;
  proxyCount: number;
};

export const NO_TRUSTED_PROXY: TrustedProxy = { platform: "none", ipHeader: undefined, proxyCount: 1 };

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

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_CHARACTERS = /^[0-9A-Fa-f:.]{2,45}$/;
const BRACKETED_WITH_PORT = /^\[([^\]]*)\](?::\d{1,5})?$/;
const IPV4_WITH_PORT = /^([\d.]{7,15}):\d{1,5}$/;
const IPV4_MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * The address in one hop, or undefined. Accepts `v4`, `v4:port`, `v6`, `[v6]`, `[v6]:port` (the forms proxies
 * write) and returns the address alone, IPv6 in its normalised form and IPv4-mapped IPv6 as IPv4, so one client
 * has one rate-limit key. Anything else (junk, host names, zone ids, "unknown") is refused.
 */
function ipAddress(hop: string): string | undefined {
  let value = hop.trim();
  const bracketed = BRACKETED_WITH_PORT.exec(value);
  const withPort = IPV4_WITH_PORT.exec(value);
  if (bracketed !== null) value = bracketed[1] ?? "";
  else if (withPort !== null) value = withPort[1] ?? "";
  if (IPV4.test(value)) return value;
  if (!value.includes(":") || !IPV6_CHARACTERS.test(value)) return undefined;
  let normalised: string;
  try {
    // The WHATWG URL parser is a strict IPv6 parser that also normalises; the character check above keeps
    // anything but an address out of the URL.
    normalised = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const mapped = IPV4_MAPPED.exec(normalised);
  if (mapped === null) return normalised;
  const high = parseInt(mapped[1] ?? "0", 16);
  const low = parseInt(mapped[2] ?? "0", 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/**
 * The hop `count` from the right of a comma-separated chain, or undefined when the chain is shorter: the
 * entries further left were written by the client, so there is nothing trustworthy to fall back to. A plain
 * split, not a quote-aware parse: a client's unbalanced quote cannot swallow the hops proxies appended after it.
 * Several header lines arrive joined with ", " (`Headers.get`), which is the same chain.
 */
function hopFromRight(chain: string, count: number): string | undefined {
  const hops = chain.split(",");
  if (hops.length < count) return undefined;
  return hops[hops.length - count];
}

/** `for=` of one RFC 7239 Forwarded element (`for="[2001:db8::1]:4711";proto=https`), unquoted. */
function forwardedFor(element: string): string | undefined {
  for (const pair of element.split(";")) {
    const equals = pair.indexOf("=");
    if (equals === -1 || pair.slice(0, equals).trim().toLowerCase() !== "for") continue;
    const value = pair.slice(equals + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** The client's address as the trusted proxy reported it, or undefined. */
function clientIp(headers: Headers, trust: TrustedProxy): string | undefined {
  const name = trust.ipHeader?.trim().toLowerCase();
  if (name === undefined || name === "") return undefined;
  if (!Number.isInteger(trust.proxyCount) || trust.proxyCount < 1) {
    throw new Error(
      `session: trustedProxy.proxyCount must be a whole number of at least 1 (got ${trust.proxyCount}); pass config.trustedProxy from loadSessionConfig()`,
    );
  }
  const value = headers.get(name);
  if (value === null) return undefined;
  if (name === "x-forwarded-for") return ipAddress(hopFromRight(value, trust.proxyCount) ?? "");
  if (name === "forwarded") {
    return ipAddress(forwardedFor(hopFromRight(value, trust.proxyCount) ?? "") ?? "");
  }
  return ipAddress(value);
}

/** "City, CC" from the trusted platform's geolocation headers; empty without a platform. */
function platformLocation(headers: Headers, platform: TrustedPlatform): string {
  let city: string | null = null;
  let country: string | null = null;
  if (platform === "vercel") {
    const encoded = headers.get("x-vercel-ip-city");
    city = encoded === null ? null : safeDecode(encoded);
    country = headers.get("x-vercel-ip-country");
  } else if (platform === "cloudflare") {
    city = headers.get("cf-ipcity");
    country = headers.get("cf-ipcountry");
  }
  // "XX": Cloudflare's "no country".
  return [city, country].filter((part) => part !== null && part.trim() !== "" && part !== "XX").join(", ");
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

/**
 * Builds DeviceInfo from headers and a parsed user agent. IP and location only as far as `trust` says (pass
 * `config.trustedProxy`); the default trusts nothing.
 */
export function deviceFromParts(
  headers: Headers,
  parsed: ParsedUserAgent,
  trust: TrustedProxy = NO_TRUSTED_PROXY,
): DeviceInfo {
  return normalizeDevice({
    userAgent: parsed.ua,
    browser: parsed.browser?.name,
    os: parsed.os?.name,
    deviceType: deviceType(parsed.device?.type),
    ip: clientIp(headers, trust),
    location: platformLocation(headers, trust.platform),
  });
}
