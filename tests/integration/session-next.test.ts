import { NextRequest, type NextFetchEvent } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HANDOFF_HEADER } from "@/lib/session/handoff";
import type * as KitModule from "@/lib/session/kit";
import type * as NextGlue from "@/lib/session/next";
import { randomPrefix, restCredentials } from "@/tests/support/redis";

type NextModule = typeof NextGlue;

const saved = { ...process.env };
let glue: NextModule;
// From the same fresh module graph as the glue (vi.resetModules): the kit's context registry lives in kit.ts.
let kitContext: typeof KitModule.kitContext;

beforeAll(async () => {
  process.env.SESSION_KEY_PREFIX = randomPrefix("next");
  vi.resetModules();
  glue = await import("@/lib/session/next");
  ({ kitContext } = await import("@/lib/session/kit"));
});

afterAll(() => {
  process.env = saved;
});

function request(
  path: string,
  init: { cookie?: string; headers?: Record<string, string> } = {},
): NextRequest {
  const headers = new Headers(init.headers);
  if (init.cookie !== undefined) headers.set("cookie", `theme=dark; session=${init.cookie}`);
  return new NextRequest(`http://localhost:3000${path}`, { headers });
}

function fetchEvent(): { event: NextFetchEvent; settled: () => Promise<unknown[]> } {
  const pending: Promise<unknown>[] = [];
  const event = {
    waitUntil: (promise: Promise<unknown>) => void pending.push(promise),
  } as unknown as NextFetchEvent;
  return { event, settled: () => Promise.all(pending) };
}

/** The request header value middleware forwards to rendering (NextResponse.next({ request: { headers } })). */
function forwarded(response: Response, name: string): string | null {
  return response.headers.get(`x-middleware-request-${name}`);
}

const isProtected = (pathname: string): boolean => pathname.startsWith("/devices");

async function signIn(userId: string): Promise<{ cookie: string; id: string }> {
  const created = await glue.getSessionKit().createSession({ userId, device: { userAgent: "UA" } });
  if (!created.ok) throw new Error(created.reason);
  return { cookie: created.cookie.value, id: created.session.id };
}

describe("sessionMiddleware", () => {
  it("sends a visitor without a cookie from a protected page to login, keeping where they were going", async () => {
    const middleware = glue.sessionMiddleware({ isProtected });
    const response = await middleware(request("/devices?tab=all"), fetchEvent().event);
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("next")).toBe("/devices?tab=all");
    expect(location.searchParams.get("reason")).toBe("missing");
  });

  it("lets a visitor without a cookie through on public pages and strips a forged hand-off header", async () => {
    const middleware = glue.sessionMiddleware({ isProtected });
    const response = await middleware(
      request("/", { headers: { [HANDOFF_HEADER]: "forged" } }),
      fetchEvent().event,
    );
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(forwarded(response, HANDOFF_HEADER)).toBeNull();
    expect(response.headers.get("x-middleware-override-headers") ?? "").not.toContain(HANDOFF_HEADER);

    // Nothing to strip: the request goes on untouched (no header override for Next to copy through).
    const plain = await middleware(request("/"), fetchEvent().event);
    expect(plain.headers.get("x-middleware-next")).toBe("1");
    expect(plain.headers.get("x-middleware-override-headers")).toBeNull();
  });

  it("forwards a signed hand-off for a valid cookie that rendering accepts for that cookie only", async () => {
    const { cookie } = await signIn("next-user-1");
    const middleware = glue.sessionMiddleware({ isProtected });
    const response = await middleware(
      request("/devices", { cookie, headers: { [HANDOFF_HEADER]: "forged" } }),
      fetchEvent().event,
    );
    expect(response.headers.get("x-middleware-next")).toBe("1");
    const header = forwarded(response, HANDOFF_HEADER);
    expect(header).not.toBe("forged");
    const kit = glue.getSessionKit();
    expect((await kitContext(kit).handoff.verify(header, cookie))?.session.userId).toBe("next-user-1");
    expect(await kitContext(kit).handoff.verify(header, `${cookie}x`)).toBeNull();
  });

  it("with preloadSessionList, a GET of that page validates and lists in one script and hands the list over", async () => {
    const kit = glue.getSessionKit();
    const laptop = await signIn("next-user-7");
    const phone = await signIn("next-user-7");
    const middleware = glue.sessionMiddleware({
      isProtected,
      preloadSessionList: { paths: (pathname) => pathname === "/devices", activityLimit: 5 },
    });

    const page = await middleware(request("/devices", { cookie: laptop.cookie }), fetchEvent().event);
    const handoff = await kitContext(kit).handoff.verify(forwarded(page, HANDOFF_HEADER), laptop.cookie);
    expect(handoff?.session.id).toBe(laptop.id);
    expect(handoff?.listing?.sessions.map((s) => s.id).sort()).toEqual([laptop.id, phone.id].sort());
    expect(handoff?.listing?.activityLimit).toBe(5);

    // Another path, and a Server Action POST to this one (the action changes the list before the page
    // re-renders): the plain check, no listing.
    const other = await middleware(request("/devices/x", { cookie: laptop.cookie }), fetchEvent().event);
    expect(
      (await kitContext(kit).handoff.verify(forwarded(other, HANDOFF_HEADER), laptop.cookie))?.listing,
    ).toBeUndefined();
    const post = await middleware(
      new NextRequest("http://localhost:3000/devices", {
        method: "POST",
        // As a browser posts it: same origin, multipart, with its length.
        headers: {
          cookie: `session=${laptop.cookie}`,
          "next-action": "abc",
          origin: "http://localhost:3000",
          "content-type": "multipart/form-data; boundary=x",
          "content-length": "100",
        },
      }),
      fetchEvent().event,
    );
    const posted = await kitContext(kit).handoff.verify(forwarded(post, HANDOFF_HEADER), laptop.cookie);
    expect(posted?.session.id).toBe(laptop.id);
    expect(posted?.listing).toBeUndefined();

    // A revoked device on that page is still sent to login with the reason, its cookie cleared.
    await kit.revokeSession("next-user-7", phone.id);
    const revoked = await middleware(request("/devices", { cookie: phone.cookie }), fetchEvent().event);
    expect(new URL(revoked.headers.get("location") ?? "").searchParams.get("reason")).toBe("revoked");
    expect(revoked.headers.getSetCookie().find((line) => line.startsWith("session="))).toMatch(/^session=;/);
  });

  it("schedules the touch with waitUntil when it is due, and not before", async () => {
    const kit = glue.getSessionKit();
    const { cookie } = await signIn("next-user-2");
    const middleware = glue.sessionMiddleware({ isProtected });

    const early = fetchEvent();
    await middleware(request("/devices", { cookie }), early.event);
    expect(await early.settled(), "nothing scheduled right after sign-in").toEqual([]);

    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 120_000);
      const due = fetchEvent();
      await middleware(request("/devices", { cookie }), due.event);
      expect((await due.settled()).length, "one touch scheduled").toBe(1);
      const after = await kit.validateSessionToken(cookie);
      expect(after.ok && after.session.lastActiveAt, "touched at the (fake) current time").toBe(Date.now());
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends a revoked device to login with the reason and clears its cookie", async () => {
    const { cookie, id } = await signIn("next-user-3");
    await glue.getSessionKit().revokeSession("next-user-3", id);
    const response = await glue.sessionMiddleware({ isProtected, loginPath: "/signin" })(
      request("/devices", { cookie }),
      fetchEvent().event,
    );
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.pathname).toBe("/signin");
    expect(location.searchParams.get("reason")).toBe("revoked");
    expect(response.headers.get("set-cookie")).toMatch(
      /^session=; Path=\/; Max-Age=0;.*HttpOnly; SameSite=lax/i,
    );
  });

  it("whichever request clears a revoked cookie leaves the reason for the navigation the user sees", async () => {
    const { cookie, id } = await signIn("next-user-6");
    await glue.getSessionKit().revokeSession("next-user-6", id);
    const middleware = glue.sessionMiddleware({ isProtected });

    // A router prefetch looks like any GET to middleware (Next strips its headers), and so does another tab.
    for (const path of ["/devices", "/"]) {
      const background = await middleware(request(path, { cookie }), fetchEvent().event);
      const setCookies = background.headers.getSetCookie();
      expect(setCookies.find((line) => line.startsWith("session="))).toMatch(
        /^session=; Path=\/; Max-Age=0;/,
      );
      expect(setCookies.find((line) => line.startsWith("session-ended="))).toMatch(
        /^session-ended=revoked; Path=\/;.*Max-Age=86400;.*HttpOnly; SameSite=lax/i,
      );
    }

    // The user's own navigation arrives without the session cookie, only with the note.
    const withNote = new NextRequest("http://localhost:3000/devices", {
      headers: { cookie: "theme=dark; session-ended=revoked" },
    });
    const navigation = await middleware(withNote, fetchEvent().event);
    expect(new URL(navigation.headers.get("location") ?? "").searchParams.get("reason")).toBe("revoked");

    // Anything else in the note is ignored.
    const forged = new NextRequest("http://localhost:3000/devices", {
      headers: { cookie: "session-ended=%3Cscript%3E" },
    });
    const plain = await middleware(forged, fetchEvent().event);
    expect(new URL(plain.headers.get("location") ?? "").searchParams.get("reason")).toBe("missing");
  });

  it("a malformed cookie is cleared without a note: there is nothing to tell", async () => {
    const response = await glue.sessionMiddleware({ isProtected })(
      request("/devices", { cookie: "garbage" }),
      fetchEvent().event,
    );
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(new URL(response.headers.get("location") ?? "").searchParams.get("reason")).toBe("malformed");
  });

  it("on a public page, a dead cookie is cleared and hidden from rendering", async () => {
    const response = await glue.sessionMiddleware({ isProtected })(
      request("/", { cookie: "garbage" }),
      fetchEvent().event,
    );
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.get("set-cookie")).toMatch(/^session=;/);
    expect(forwarded(response, "cookie")).toBe("theme=dark");
  });

  it("does not open-redirect: a protocol-relative path is not carried as next", async () => {
    const response = await glue.sessionMiddleware({ isProtected: () => true })(
      request("//evil.example/x"),
      fetchEvent().event,
    );
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.origin).toBe("http://localhost:3000");
    expect(location.searchParams.get("next")).toBeNull();
  });

  it("never carries a next that is, or normalises to, another host", async () => {
    const middleware = glue.sessionMiddleware({ isProtected: () => true });
    for (const path of [
      "/.//evil.example",
      "/%2e//evil.example",
      "/a/..//evil.example",
      "/%2e%2e//evil.example",
    ]) {
      const response = await middleware(request(path), fetchEvent().event);
      const next = new URL(response.headers.get("location") ?? "").searchParams.get("next");
      if (next === null) continue;
      expect(next.startsWith("//") || next.startsWith("/\\"), `${path} -> next=${next}`).toBe(false);
      expect(new URL(next, "http://localhost:3000").origin, `${path} -> next=${next}`).toBe(
        "http://localhost:3000",
      );
    }
  });
});

describe("sessionMiddleware with two session cookies in one request (a twin tossed from a sibling path or domain)", () => {
  const restRequests: string[] = [];

  /** Counts requests to the REST server (one per Redis command or script) while `run` runs. */
  async function countingRedis<T>(run: () => Promise<T>): Promise<T> {
    const { url } = restCredentials();
    const original = globalThis.fetch;
    restRequests.length = 0;
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (target.startsWith(url)) restRequests.push(target);
      return original(input, init);
    });
    try {
      return await run();
    } finally {
      spy.mockRestore();
    }
  }

  function withCookies(path: string, ...values: string[]): NextRequest {
    const cookie = ["theme=dark", ...values.map((value) => `session=${value}`)].join("; ");
    return new NextRequest(`http://localhost:3000${path}`, { headers: { cookie } });
  }

  const JUNK = "Fe26.2**junk*from*a*sibling~2";

  async function expectSignedInAs(response: Response, cookie: string, userId: string): Promise<void> {
    expect(response.status, "let through, not sent to login").toBe(200);
    expect(response.headers.get("x-middleware-next")).toBe("1");
    const cleared = response.headers.getSetCookie().filter((line) => line.startsWith("session"));
    expect(cleared, "no cookie is cleared or noted while a live one exists").toEqual([]);
    const handoff = await kitContext(glue.getSessionKit()).handoff.verify(
      forwarded(response, HANDOFF_HEADER),
      cookie,
    );
    expect(handoff?.session.userId, "the hand-off names the live cookie").toBe(userId);
    expect(forwarded(response, "cookie"), "rendering sees the live cookie only").toBe(
      `theme=dark; session=${cookie}`,
    );
  }

  it("good; junk: the live cookie wins, one Redis command", async () => {
    const { cookie } = await signIn("next-twin-1");
    const middleware = glue.sessionMiddleware({ isProtected });
    const response = await countingRedis(() =>
      middleware(withCookies("/devices", cookie, JUNK), fetchEvent().event),
    );
    await expectSignedInAs(response, cookie, "next-twin-1");
    expect(restRequests, "one Redis command").toHaveLength(1);
  });

  it("junk; good: the junk twin first does not sign the browser out, one Redis command", async () => {
    const { cookie } = await signIn("next-twin-2");
    const middleware = glue.sessionMiddleware({ isProtected });
    const response = await countingRedis(() =>
      middleware(withCookies("/devices", JUNK, cookie), fetchEvent().event),
    );
    await expectSignedInAs(response, cookie, "next-twin-2");
    expect(restRequests, "junk is refused before Redis").toHaveLength(1);

    const publicPage = await middleware(withCookies("/", JUNK, cookie), fetchEvent().event);
    expect(forwarded(publicPage, "cookie")).toBe(`theme=dark; session=${cookie}`);
    expect(publicPage.headers.getSetCookie()).toEqual([]);
  });

  it("good; empty twin: the empty value Next's cookies.get would read does not sign the browser out", async () => {
    const { cookie } = await signIn("next-twin-6");
    const response = await glue.sessionMiddleware({ isProtected })(
      withCookies("/devices", cookie, ""),
      fetchEvent().event,
    );
    await expectSignedInAs(response, cookie, "next-twin-6");
  });

  it("revoked; good: a revoked twin is passed over for the live one", async () => {
    const kit = glue.getSessionKit();
    const old = await signIn("next-twin-3");
    await kit.revokeSession("next-twin-3", old.id);
    const { cookie } = await signIn("next-twin-3");
    const response = await glue.sessionMiddleware({ isProtected })(
      withCookies("/devices", old.cookie, cookie),
      fetchEvent().event,
    );
    await expectSignedInAs(response, cookie, "next-twin-3");
  });

  it("with preloadSessionList, junk; good still validates and lists for the live cookie", async () => {
    const { cookie, id } = await signIn("next-twin-4");
    const middleware = glue.sessionMiddleware({ isProtected, preloadSessionList: { paths: () => true } });
    const response = await middleware(withCookies("/devices", JUNK, cookie), fetchEvent().event);
    await expectSignedInAs(response, cookie, "next-twin-4");
    const handoff = await kitContext(glue.getSessionKit()).handoff.verify(
      forwarded(response, HANDOFF_HEADER),
      cookie,
    );
    expect(handoff?.listing?.sessions.map((session) => session.id)).toEqual([id]);
  });

  it("junk; junk; junk; junk; good: junk that does not unseal never pushes the live cookie out", async () => {
    const { cookie } = await signIn("next-twin-7");
    const junk = ["a", "b", "c", "d"].map((tag) => `Fe26.2**junk-${tag}*x~2`);
    const response = await countingRedis(() =>
      glue.sessionMiddleware({ isProtected })(withCookies("/devices", ...junk, cookie), fetchEvent().event),
    );
    await expectSignedInAs(response, cookie, "next-twin-7");
    expect(restRequests, "junk is refused before Redis").toHaveLength(1);
  });

  it("junk only: signed out as malformed and cleared, as with one junk cookie", async () => {
    const response = await glue.sessionMiddleware({ isProtected })(
      withCookies("/devices", JUNK, "garbage"),
      fetchEvent().event,
    );
    expect(new URL(response.headers.get("location") ?? "").searchParams.get("reason")).toBe("malformed");
    expect(response.headers.getSetCookie().find((line) => line.startsWith("session="))).toMatch(/^session=;/);
  });

  it("only dead twins: signed out with the reason of the one that unsealed; at most 3 Redis lookups", async () => {
    const kit = glue.getSessionKit();
    const revoked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const session = await signIn("next-twin-5");
      await kit.revokeSession("next-twin-5", session.id);
      revoked.push(session.cookie);
    }
    const middleware = glue.sessionMiddleware({ isProtected });
    const response = await countingRedis(() =>
      middleware(withCookies("/devices", JUNK, ...revoked), fetchEvent().event),
    );
    expect(new URL(response.headers.get("location") ?? "").searchParams.get("reason")).toBe("revoked");
    expect(restRequests.length, "bounded: at most 3 values are looked up").toBeLessThanOrEqual(3);
  });
});

describe("sessionMiddleware when Redis is down", () => {
  it("answers 503 on protected pages, keeps the cookie, and lets public pages through", async () => {
    const { cookie } = await signIn("next-user-4");
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    process.env.UPSTASH_REDIS_REST_URL = "http://127.0.0.1:1";
    process.env.SESSION_REDIS_TIMEOUT_MS = "300";
    vi.resetModules();
    const down: NextModule = await import("@/lib/session/next");
    const middleware = down.sessionMiddleware({ isProtected });

    const protectedResponse = await middleware(request("/devices", { cookie }), fetchEvent().event);
    expect(protectedResponse.status).toBe(503);
    expect(await protectedResponse.text()).toContain("Session store unavailable");
    expect(protectedResponse.headers.get("set-cookie"), "the cookie is kept").toBeNull();

    const publicResponse = await middleware(request("/", { cookie }), fetchEvent().event);
    expect(publicResponse.headers.get("x-middleware-next")).toBe("1");
    expect(publicResponse.headers.get("set-cookie")).toBeNull();
    vi.restoreAllMocks();
  });
});

describe("deviceFromHeaders", () => {
  const IPHONE =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
  // What a client can send to an app that is not behind the platform it claims.
  const spoofed = {
    "user-agent": IPHONE,
    "x-forwarded-for": "203.0.113.7, 10.0.0.1",
    "x-real-ip": "198.51.100.4",
    "x-vercel-ip-city": "S%C3%A3o%20Paulo",
    "x-vercel-ip-country": "BR",
  };

  async function glueWith(env: Record<string, string>): Promise<NextModule> {
    const {
      SESSION_TRUSTED_IP_HEADER: _header,
      SESSION_TRUSTED_PLATFORM: _platform,
      SESSION_TRUSTED_PROXY_COUNT: _count,
      ...rest
    } = saved;
    process.env = { ...rest, SESSION_KEY_PREFIX: randomPrefix("next"), ...env };
    vi.resetModules();
    return import("@/lib/session/next");
  }

  afterAll(() => {
    process.env = saved;
  });

  it("reads browser, OS and device type from the user agent, and no IP or location without a trust setting", async () => {
    const device = (await glueWith({})).deviceFromHeaders(new Headers(spoofed));
    expect(device).toMatchObject({ browser: "Mobile Safari", os: "iOS", deviceType: "mobile" });
    expect(device.ip, "x-forwarded-for is client-controlled unless a proxy sets it").toBeUndefined();
    expect(device.location, "x-vercel-ip-* are client-controlled off Vercel").toBeUndefined();
  });

  it("takes the hop the proxy appended from the kit's SESSION_TRUSTED_IP_HEADER, without location", async () => {
    const device = (await glueWith({ SESSION_TRUSTED_IP_HEADER: "x-forwarded-for" })).deviceFromHeaders(
      new Headers(spoofed),
    );
    expect(device.ip).toBe("10.0.0.1");
    expect(device.location, "an IP header is not a platform").toBeUndefined();
  });

  it("with SESSION_TRUSTED_PLATFORM=vercel reads Vercel's x-real-ip and location", async () => {
    const device = (await glueWith({ SESSION_TRUSTED_PLATFORM: "vercel" })).deviceFromHeaders(
      new Headers(spoofed),
    );
    expect(device).toMatchObject({ ip: "198.51.100.4", location: "São Paulo, BR" });
  });
});

/** The glue loaded afresh with a 30 s revalidate window (the caller restores process.env). */
async function windowedGlue(): Promise<NextModule> {
  process.env = {
    ...saved,
    SESSION_KEY_PREFIX: randomPrefix("next"),
    SESSION_REVALIDATE_AFTER_SECONDS: "30",
  };
  vi.resetModules();
  return import("@/lib/session/next");
}

describe("sessionMiddleware with the revalidate window on", () => {
  it("sets the re-sealed cookie and binds the hand-off to the value rendering will see", async () => {
    const windowed = await windowedGlue();
    const { kitContext } = await import("@/lib/session/kit");
    const kit = windowed.getSessionKit();
    const created = await kit.createSession({ userId: "next-user-5", device: { userAgent: "UA" } });
    if (!created.ok) throw new Error(created.reason);

    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 31_000);
      const response = await windowed.sessionMiddleware({ isProtected })(
        request("/devices", { cookie: created.cookie.value }),
        fetchEvent().event,
      );
      const setCookie = response.headers.get("set-cookie") ?? "";
      const resealed = /^session=([^;]+)/.exec(setCookie)?.[1];
      expect(resealed, "a re-sealed cookie is set").toBeDefined();
      expect(resealed).not.toBe(created.cookie.value);
      expect(forwarded(response, "cookie"), "rendering sees the new cookie").toBe(
        `theme=dark; session=${resealed}`,
      );
      const header = forwarded(response, HANDOFF_HEADER);
      expect((await kitContext(kit).handoff.verify(header, resealed))?.session.id).toBe(created.session.id);
      expect(
        await kitContext(kit).handoff.verify(header, created.cookie.value),
        "not the old cookie",
      ).toBeNull();
    } finally {
      vi.useRealTimers();
      process.env = saved;
    }
  });

  it("sets the re-sealed cookie without Max-Age or Expires unless the session is remembered", async () => {
    const windowed = await windowedGlue();
    const kit = windowed.getSessionKit();
    const plain = await kit.createSession({ userId: "next-user-8", device: { userAgent: "UA" } });
    const remembered = await kit.createSession({
      userId: "next-user-8",
      device: { userAgent: "UA" },
      remember: true,
    });
    if (!plain.ok || !remembered.ok) throw new Error("createSession failed");

    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 31_000);
      const middleware = windowed.sessionMiddleware({ isProtected });
      const setCookie = async (cookie: string): Promise<string> => {
        const response = await middleware(request("/devices", { cookie }), fetchEvent().event);
        return response.headers.getSetCookie().find((line) => line.startsWith("session=")) ?? "";
      };
      const plainLine = await setCookie(plain.cookie.value);
      expect(plainLine, "a re-sealed cookie is set").toMatch(/^session=Fe26/);
      expect(plainLine, "a browser-session cookie").not.toMatch(/max-age|expires/i);
      expect(plainLine).toMatch(/HttpOnly/i);
      const rememberedLine = await setCookie(remembered.cookie.value);
      expect(rememberedLine, "remember me stays persistent").toMatch(/Max-Age=25919\d\d;/i);
    } finally {
      vi.useRealTimers();
      process.env = saved;
    }
  });
});
