import { describe, expect, it } from "vitest";
import { createHandoffSigner, HANDOFF_MAX_LENGTH } from "@/lib/session/handoff";
import { createSigner } from "@/lib/session/signed";
import { toBase64Url } from "@/lib/session/token";
import type { ActivityEntry, DeviceInfo, Session } from "@/lib/session";

const SECRET = "handoff-secret-0123456789-abcdefghijkl";
const START = 1_790_000_000_000;

function session(overrides: Partial<Session> = {}): Session {
  return {
    id: "pub_0123456789abcdefgh",
    userId: "user-1",
    createdAt: START,
    lastActiveAt: START,
    expiresAt: START + 1_800_000,
    absoluteExpiresAt: START + 86_400_000,
    remember: false,
    device: { userAgent: "Mozilla/5.0", browser: "Firefox", location: "Zürich, CH" },
    ...overrides,
  };
}

function setup(): { clock: { t: number }; signer: ReturnType<typeof createHandoffSigner> } {
  const clock = { t: START };
  return { clock, signer: createHandoffSigner(SECRET, 30, () => clock.t) };
}

describe("middleware → render hand-off header", () => {
  it("round-trips the session for the same cookie within its lifetime", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-value");
    expect(header).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await signer.verify(header, "cookie-value")).toEqual({ session: session() });
  });

  it("is refused when bound to another cookie", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-of-device-a");
    expect(await signer.verify(header, "cookie-of-device-b")).toBeNull();
    expect(await signer.verify(header, "cookie-of-device-a2"), "a longer cookie").toBeNull();
    expect(await signer.verify(header, "cookie-of-device-"), "a truncated cookie").toBeNull();
    expect(await signer.verify(header, ""), "an empty cookie").toBeNull();
    expect(await signer.verify(header, undefined)).toBeNull();
  });

  it("is refused once expired (after ~30 seconds)", async () => {
    const { clock, signer } = setup();
    const header = await signer.sign(session(), "cookie-value");
    clock.t += 29_000;
    expect(await signer.verify(header, "cookie-value"), "still valid at 29 s").not.toBeNull();
    clock.t += 1_000;
    expect(await signer.verify(header, "cookie-value"), "expired at 30 s").toBeNull();
  });

  it("is refused when forged: edited payload, made-up signature, other secret, junk", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-value");
    const [body, mac] = header.split(".") as [string, string];

    const edited = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/"))) as { s: Session };
    edited.s.userId = "admin";
    const editedBody = toBase64Url(new TextEncoder().encode(JSON.stringify(edited)));
    expect(await signer.verify(`${editedBody}.${mac}`, "cookie-value"), "edited payload").toBeNull();

    expect(await signer.verify(`${body}.${"A".repeat(43)}`, "cookie-value"), "made-up signature").toBeNull();

    const other = createHandoffSigner("another-secret-0123456789-abcdefghijkl", 30, () => START);
    expect(await other.verify(header, "cookie-value"), "signed with another secret").toBeNull();

    for (const junk of ["", ".", "a.b.c", `${body}.`, `${body}.${mac}.x`, "%%%.%%%", null, undefined]) {
      expect(await signer.verify(junk, "cookie-value"), `junk ${String(junk)}`).toBeNull();
    }
  });

  it("is refused when it claims a lifetime longer than the configured one", async () => {
    const clock = { t: START };
    const longLived = createHandoffSigner(SECRET, 300, () => clock.t);
    const header = await longLived.sign(session(), "cookie-value");
    const { signer } = setup();
    expect(await signer.verify(header, "cookie-value")).toBeNull();
  });

  it("is refused when the session inside has already expired", async () => {
    const { signer } = setup();
    const header = await signer.sign(session({ expiresAt: START + 5_000 }), "cookie-value");
    expect(await signer.verify(header, "cookie-value")).not.toBeNull();
    const later = createHandoffSigner(SECRET, 30, () => START + 6_000);
    expect(await later.verify(header, "cookie-value")).toBeNull();
  });
});

describe("hand-off caches (a burst of requests pays the HMACs once)", () => {
  it("reuses the header for the same cookie and session while half its lifetime is left, then signs anew", async () => {
    const { clock, signer } = setup();
    const first = await signer.sign(session(), "cookie-value");
    clock.t += 14_000;
    expect(await signer.sign(session(), "cookie-value"), "16 s of 30 left").toBe(first);
    clock.t += 1_001;
    const second = await signer.sign(session(), "cookie-value");
    expect(second, "under half left: a fresh header").not.toBe(first);
    clock.t += 16_000;
    expect(
      await signer.verify(first, "cookie-value"),
      "the first header still dies 30 s after signing",
    ).toBeNull();
    expect(await signer.verify(second, "cookie-value")).toEqual({ session: session() });
  });

  it("never reuses a header for another cookie or a changed session", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-a");
    expect(await signer.sign(session(), "cookie-b")).not.toBe(header);
    expect(await signer.sign(session({ lastActiveAt: START + 1 }), "cookie-a")).not.toBe(header);
    expect(await signer.verify(await signer.sign(session(), "cookie-b"), "cookie-a")).toBeNull();
  });

  it("a header verified once is still refused for another cookie and after its expiry", async () => {
    const { clock, signer } = setup();
    const header = await signer.sign(session(), "cookie-value");
    expect(await signer.verify(header, "cookie-value")).not.toBeNull();
    expect(await signer.verify(header, "cookie-value2"), "same header, other cookie").toBeNull();
    clock.t += 29_999;
    expect(await signer.verify(header, "cookie-value"), "cached, still in its lifetime").not.toBeNull();
    clock.t += 1;
    expect(await signer.verify(header, "cookie-value"), "cached, expired").toBeNull();
  });

  it("a cached verification still refuses a session that expired since", async () => {
    const { clock, signer } = setup();
    const header = await signer.sign(session({ expiresAt: START + 10_000 }), "cookie-value");
    expect(await signer.verify(header, "cookie-value")).not.toBeNull();
    clock.t += 10_000;
    expect(await signer.verify(header, "cookie-value")).toBeNull();
  });

  it("hands every caller its own copy of a cached session", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-value");
    const first = await signer.verify(header, "cookie-value");
    if (first === null) throw new Error("expected a hand-off");
    first.session.userId = "someone-else";
    first.session.device.browser = "Edited";
    expect(await signer.verify(header, "cookie-value")).toEqual({ session: session() });
  });
});

describe("hand-off with a preloaded session listing", () => {
  // A real browser's user agent: most of a device's size, and what the listing stores once per device.
  const chrome: DeviceInfo = {
    userAgent:
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    browser: "Chrome 156",
    os: "Linux",
    deviceType: "desktop",
    ip: "203.0.113.9",
    location: "Zürich, CH",
  };
  const phone: DeviceInfo = { ...chrome, userAgent: `${chrome.userAgent} Mobile`, deviceType: "mobile" };

  /** `count` browsers that differ only in their user agent: no two share a device entry. */
  const distinctBrowsers = (count: number): DeviceInfo[] =>
    Array.from({ length: count }, (_, i) => ({ ...chrome, userAgent: `${chrome.userAgent} #${i}` }));

  function listing(sessionCount: number, activityCount: number, devices: DeviceInfo[]) {
    const sessions = Array.from({ length: sessionCount }, (_, i) =>
      session({ id: `pub_${String(i).padStart(18, "0")}`, device: devices[i % devices.length]! }),
    );
    const activity: ActivityEntry[] = Array.from({ length: activityCount }, (_, i) => ({
      at: START - i * 1000,
      type: i % 2 === 0 ? "sign_in" : "sign_out",
      device: devices[i % devices.length]!,
      ...(i % 3 === 0 ? {} : { sessionCreatedAt: START - i * 2000 }),
    }));
    return { sessions, activity, activityLimit: 20 };
  }

  it("round-trips sessions and activity exactly, for the same cookie only", async () => {
    const { signer } = setup();
    const preloaded = listing(3, 20, [chrome, phone]);
    const header = await signer.sign(session(), "cookie-value", preloaded);
    expect(await signer.verify(header, "cookie-value")).toEqual({ session: session(), listing: preloaded });
    expect(await signer.verify(header, "other-cookie")).toBeNull();
  });

  it("fits the default cap (3 sessions) and 20 activity entries from distinct devices in the size limit", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-value", listing(3, 20, distinctBrowsers(23)));
    expect(header.length).toBeLessThanOrEqual(HANDOFF_MAX_LENGTH);
    expect((await signer.verify(header, "cookie-value"))?.listing?.activity).toHaveLength(20);
  });

  it("leaves out a listing too big for one header: the session still goes through", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-value", listing(200, 20, distinctBrowsers(200)));
    expect(header.length).toBeLessThanOrEqual(HANDOFF_MAX_LENGTH);
    expect(await signer.verify(header, "cookie-value")).toEqual({ session: session() });
  });

  it("is refused when a listed session belongs to another user or points at a missing device", async () => {
    // Only a holder of the secret could sign either; the check keeps a bug elsewhere from showing another
    // user's devices.
    const { signer } = setup();
    const foreign = listing(2, 0, [chrome]);
    foreign.sessions[1] = { ...foreign.sessions[1]!, userId: "user-2" };
    expect(await signer.verify(await signer.sign(session(), "c", foreign), "c")).toBeNull();

    const raw = createSigner(SECRET, "lib/session:handoff:v3");
    const { device: _device, ...listed } = session();
    const dangling = { d: [chrome], s: [{ ...listed, d: 1 }], a: [], n: 0 };
    const header = await raw.sign({ s: session(), e: START + 10_000, l: dangling }, "c");
    expect(await signer.verify(header, "c"), "device index 1 of 1").toBeNull();
    const fixed = await raw.sign(
      { s: session(), e: START + 10_000, l: { ...dangling, s: [{ ...listed, d: 0 }] } },
      "c",
    );
    expect(await signer.verify(fixed, "c"), "control: index 0").not.toBeNull();
  });
});
