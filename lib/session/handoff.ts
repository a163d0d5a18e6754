/**
 * Middleware → render hand-off: a signed request header carrying the session middleware just validated.
 *
 * What: middleware validates the cookie (one Redis GET) and forwards `x-session-handoff` to rendering, which then
 * needs no Redis call: a protected request costs ONE Redis command in total. For a page that also lists the
 * user's sessions (the devices page), middleware can validate and list in one script and hand the listing over
 * too (`preloadSessionList` in next.ts), so that page also costs one command.
 * Data model: `<base64url(JSON {s: Session, e: expiry ms, l?: listing})>.<base64url HMAC(body + "\n" + cookie value)>`
 * HMAC-SHA-256 key = HMAC(secret, "lib/session:handoff:v3"), so the cookie-sealing secret is never used directly.
 * The listing stores each distinct device once (`d`) and refers to it by index: a user's sessions and activity
 * entries mostly share a few devices, and the user agent string is most of a device's size.
 * Size: a header with a listing is at most HANDOFF_MAX_LENGTH (12 KiB); a bigger listing is left out and the
 * page lists by itself (one more round trip). Hosts that forward middleware's request headers over HTTP cap
 * them (Vercel: 16 KB per header, 32 KB in all); `next start` copies them in memory.
 * Why it cannot be forged or replayed: a client cannot compute the HMAC; the glue strips any incoming copy;
 * `e` limits a captured header to a few seconds; the MAC covers the exact cookie of the request (signed.ts
 * `boundTo`), so it is useless with any other cookie. Anything that fails a check is ignored and the caller asks Redis itself.
 * Cost: the two HMACs (sign in middleware, verify in rendering) are most of the kit's own CPU per request on
 * Node (Web Crypto runs each as an async job). Both ends keep a small cache, so a browser's burst of requests
 * (a navigation, its prefetches, the RSC fetches) pays them once: middleware reuses the header it signed for the
 * same cookie and the same session while at least half its lifetime is left; rendering remembers, for the exact
 * header and cookie, what a verified MAC proved, and checks the expiries again on every use. Why that is safe:
 * middleware still validated this very request against Redis before it hands anything off, a reused header only
 * ever carries that same session, and a captured header still dies `handoffTtlSeconds` after it was signed.
 * Headers with a listing (the devices page) are never cached: the list is read fresh for each of them.
 * Seam: header name, lifetime (`handoffTtlSeconds`) and HANDOFF_MAX_LENGTH are the only knobs.
 */
import { putBounded } from "./bounded";
import { activityTypeSchema, type ActivityEntry } from "./activity";
import { deviceSchema, sessionSchema } from "./record";
import { createSigner } from "./signed";
import type { DeviceInfo, Handoff, Session, SessionListing } from "./types";
import * as z from "zod/mini";

export const HANDOFF_HEADER = "x-session-handoff";

/** Longest hand-off header signed or accepted (characters); a listing that would not fit is left out. */
export const HANDOFF_MAX_LENGTH = 12 * 1024;

const deviceRef = z.int().check(z.nonnegative());

const listingSchema = z.object({
  d: z.array(deviceSchema).check(z.maxLength(2000)),
  s: z.array(z.extend(z.omit(sessionSchema, { device: true }), { d: deviceRef })).check(z.maxLength(1000)),
  a: z
    .array(
      z.object({
        at: z.int().check(z.nonnegative()),
        t: activityTypeSchema,
        d: deviceRef,
        c: z.optional(z.number()),
      }),
    )
    .check(z.maxLength(1000)),
  n: z.int().check(z.nonnegative()),
});

/** Headers each end remembers (a few hundred bytes each). */
const CACHED_MAX = 1000;

const payloadSchema = z.object({ s: sessionSchema, e: z.int(), l: z.optional(listingSchema) });

type WireListing = z.infer<typeof listingSchema>;

/** The listing with every distinct device stored once. */
function packListing(listing: SessionListing, activityLimit: number): WireListing {
  const devices: DeviceInfo[] = [];
  const seen = new Map<string, number>();
  const ref = (device: DeviceInfo): number => {
    const key = JSON.stringify(device);
    let index = seen.get(key);
    if (index === undefined) {
      index = devices.push(device) - 1;
      seen.set(key, index);
    }
    return index;
  };
  return {
    d: devices,
    s: listing.sessions.map(({ device, ...rest }) => ({ ...rest, d: ref(device) })),
    a: (listing.activity ?? []).map((entry) => ({
      at: entry.at,
      t: entry.type,
      d: ref(entry.device),
      ...(entry.sessionCreatedAt === undefined ? {} : { c: entry.sessionCreatedAt }),
    })),
    n: activityLimit,
  };
}

/** Null when a device index points nowhere or a session belongs to another user (never with a genuine MAC). */
function unpackListing(wire: WireListing, userId: string): Handoff["listing"] | null {
  const sessions: Session[] = [];
  const activity: ActivityEntry[] = [];
  for (const { d, ...rest } of wire.s) {
    const device = wire.d[d];
    if (device === undefined || rest.userId !== userId) return null;
    sessions.push({ ...rest, device });
  }
  for (const { at, t, d, c } of wire.a) {
    const device = wire.d[d];
    if (device === undefined) return null;
    activity.push(c === undefined ? { at, type: t, device } : { at, type: t, device, sessionCreatedAt: c });
  }
  return { sessions, activity, activityLimit: wire.n };
}

export type HandoffSigner = {
  /** With `listing`, the header carries it too when it fits in HANDOFF_MAX_LENGTH. */
  sign: (
    session: Session,
    cookieValue: string,
    listing?: SessionListing & { activityLimit: number },
  ) => Promise<string>;
  verify: (header: string | null | undefined, cookieValue: string | undefined) => Promise<Handoff | null>;
};

type Payload = z.infer<typeof payloadSchema>;

/** The caller's own copy of a cached session: nobody can change what the next request reads. */
function copySession(session: Session): Session {
  return { ...session, device: { ...session.device } };
}

export function createHandoffSigner(secret: string, ttlSeconds: number, now: () => number): HandoffSigner {
  const signer = createSigner(secret, "lib/session:handoff:v3");
  const ttlMs = ttlSeconds * 1000;
  /** `cookie \n session JSON` → the header signed for them and its expiry. */
  const signed = new Map<string, { header: string; expiry: number }>();
  /** `cookie \n header` → the payload its MAC proved (no listing). */
  const verified = new Map<string, Payload>();

  async function signPlain(session: Session, cookieValue: string): Promise<string> {
    const key = `${cookieValue}\n${JSON.stringify(session)}`;
    const current = now();
    const hit = signed.get(key);
    if (hit !== undefined && hit.expiry - current >= ttlMs / 2 && hit.expiry - current <= ttlMs) {
      return hit.header;
    }
    const expiry = current + ttlMs;
    const header = await signer.sign({ s: session, e: expiry }, cookieValue);
    putBounded(signed, key, { header, expiry }, CACHED_MAX);
    return header;
  }

  async function openPayload(header: string, cookieValue: string): Promise<Payload | null> {
    const key = `${cookieValue}\n${header}`;
    const hit = verified.get(key);
    if (hit !== undefined) return hit;
    const json = await signer.open(header, HANDOFF_MAX_LENGTH, cookieValue);
    if (json === null) return null;
    const parsed = payloadSchema.safeParse(json);
    if (!parsed.success) return null;
    if (parsed.data.l === undefined) putBounded(verified, key, parsed.data, CACHED_MAX);
    return parsed.data;
  }

  return {
    async sign(session, cookieValue, listing) {
      if (listing !== undefined) {
        const l = packListing(listing, listing.activityLimit);
        const header = await signer.sign({ s: session, e: now() + ttlMs, l }, cookieValue);
        if (header.length <= HANDOFF_MAX_LENGTH) return header;
      }
      return signPlain(session, cookieValue);
    },

    async verify(header, cookieValue) {
      if (header === null || header === undefined || cookieValue === undefined) return null;
      const payload = await openPayload(header, cookieValue);
      if (payload === null) return null;
      const { s, e, l } = payload;
      const current = now();
      if (e <= current || e > current + ttlMs) return null;
      if (s.expiresAt <= current || s.absoluteExpiresAt <= current) return null;
      if (l === undefined) return { session: copySession(s) };
      const listing = unpackListing(l, s.userId);
      return listing === null ? null : { session: s, listing };
    },
  };
}
