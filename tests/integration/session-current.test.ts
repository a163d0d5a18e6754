import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type * as NextServer from "next/server";
import { HANDOFF_HEADER } from "@/lib/session/handoff";
import type * as NextGlue from "@/lib/session/next";
import { randomPrefix, restCredentials } from "@/tests/support/redis";
import { kitContext } from "@/lib/session/kit";

/** What next/headers and next/server's after() see in this fake request. */
const request = {
  cookies: new Map<string, string>(),
  headers: new Headers(),
  after: [] as (() => unknown)[],
};

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) =>
      request.cookies.has(name) ? { name, value: request.cookies.get(name) } : undefined,
    set: (name: string, value: string) => void request.cookies.set(name, value),
  }),
  headers: async () => request.headers,
}));

vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof NextServer>()),
  after: (task: () => unknown) => void request.after.push(task),
}));

let glue: typeof NextGlue;
const fetches: string[] = [];

beforeAll(async () => {
  process.env.SESSION_KEY_PREFIX = randomPrefix("current");
  glue = await import("@/lib/session/next");
});

afterEach(() => {
  vi.restoreAllMocks();
  request.cookies.clear();
  request.headers = new Headers();
  request.after = [];
  fetches.length = 0;
});

function countFetches(): void {
  const { url } = restCredentials();
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (target.startsWith(url)) fetches.push(target);
    return original(input, init);
  });
}

async function signedInRequest(userId: string): Promise<{ cookie: string; id: string }> {
  const kit = glue.getSessionKit();
  const created = await kit.createSession({ userId, device: { userAgent: "UA" } });
  if (!created.ok) throw new Error(created.reason);
  await glue.setSessionCookie(created.cookie);
  // The sign-in was an earlier request: its after() work (metrics) is not this request's.
  await Promise.all(request.after.map((task) => task()));
  request.after = [];
  return { cookie: created.cookie.value, id: created.session.id };
}

describe("getCurrentSession", () => {
  it("is signed out as missing without a cookie, without asking Redis", async () => {
    countFetches();
    expect(await glue.getCurrentSession()).toEqual({ ok: false, reason: "missing" });
    expect(fetches).toEqual([]);
  });

  it("without a cookie but with the note an earlier request left, reports why; a new session drops the note", async () => {
    request.cookies.set("session-ended", "evicted");
    countFetches();
    expect(await glue.getCurrentSession()).toEqual({ ok: false, reason: "evicted" });
    expect(fetches).toEqual([]);

    await signedInRequest("current-5");
    expect(request.cookies.get("session-ended"), "deleted (empty, Max-Age 0)").toBe("");
  });

  it("trusts middleware's signed hand-off for this cookie: zero Redis commands during render", async () => {
    const { cookie, id } = await signedInRequest("current-1");
    const kit = glue.getSessionKit();
    const validated = await kit.validateSessionToken(cookie);
    if (!validated.ok) throw new Error("expected a valid session");
    request.headers.set(HANDOFF_HEADER, await kitContext(kit).handoff.sign(validated.session, cookie));

    countFetches();
    const result = await glue.getCurrentSession();
    expect(result.ok && result.session.id).toBe(id);
    expect(fetches, "render must not ask Redis again").toEqual([]);
  });

  it("ignores a hand-off made for another cookie and asks Redis (which knows it was revoked)", async () => {
    const kit = glue.getSessionKit();
    const other = await kit.createSession({ userId: "current-2", device: { userAgent: "UA" } });
    if (!other.ok) throw new Error(other.reason);
    const { id } = await signedInRequest("current-2");
    request.headers.set(
      HANDOFF_HEADER,
      await kitContext(kit).handoff.sign(other.session, other.cookie.value),
    );
    await kit.revokeSession("current-2", id);

    countFetches();
    expect(await glue.getCurrentSession()).toEqual({ ok: false, reason: "revoked" });
    expect(fetches.length, "one GET").toBe(1);
  });

  it("validates via Redis without a hand-off and schedules the due touch with after()", async () => {
    const { cookie } = await signedInRequest("current-3");
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 120_000);
      const result = await glue.getCurrentSession();
      expect(result.ok && result.touchDue).toBe(true);
      expect(request.after.length, "one touch scheduled").toBe(1);
      await request.after[0]?.();
      const after = await glue.getSessionKit().validateSessionToken(cookie);
      expect(after.ok && after.session.lastActiveAt).toBe(Date.now());
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads, sets and clears the session cookie under the kit's cookie name", async () => {
    const { cookie } = await signedInRequest("current-4");
    expect(await glue.readSessionCookie()).toBe(cookie);
    await glue.clearSessionCookie();
    expect(await glue.readSessionCookie()).toBeUndefined();
  });
});

describe("getCurrentSession with two session cookies in one request", () => {
  const JUNK = "Fe26.2**junk*from*a*sibling~2";

  /** The Cookie header carries every twin; next/headers' cookies() keeps only the last one (a Map). */
  function twins(...values: string[]): void {
    request.headers = new Headers({ cookie: values.map((value) => `session=${value}`).join("; ") });
    request.cookies.set("session", values[values.length - 1] ?? "");
  }

  async function liveCookie(userId: string): Promise<string> {
    const created = await glue.getSessionKit().createSession({ userId, device: { userAgent: "UA" } });
    if (!created.ok) throw new Error(created.reason);
    return created.cookie.value;
  }

  it("good; junk: the live cookie is the session, and actions get that cookie", async () => {
    const good = await liveCookie("current-twin-1");
    twins(good, JUNK);
    const result = await glue.getCurrentSession();
    expect(result.ok && result.session.userId, "not signed out by the junk twin").toBe("current-twin-1");
    expect(await glue.readSessionCookie()).toBe(good);
  });

  it("good; empty twin: an empty value last (what cookies() reads) does not sign the browser out", async () => {
    const good = await liveCookie("current-twin-5");
    twins(good, "");
    const result = await glue.getCurrentSession();
    expect(result.ok && result.session.userId).toBe("current-twin-5");
    expect(await glue.readSessionCookie()).toBe(good);
  });

  it("junk; good: the live cookie is the session", async () => {
    const good = await liveCookie("current-twin-2");
    twins(JUNK, good);
    const result = await glue.getCurrentSession();
    expect(result.ok && result.session.userId).toBe("current-twin-2");
    expect(await glue.readSessionCookie()).toBe(good);
  });

  it("revoked; good: the revoked twin is passed over", async () => {
    const kit = glue.getSessionKit();
    const created = await kit.createSession({ userId: "current-twin-3", device: { userAgent: "UA" } });
    if (!created.ok) throw new Error(created.reason);
    await kit.revokeSession("current-twin-3", created.session.id);
    const good = await liveCookie("current-twin-3");
    twins(created.cookie.value, good);
    const result = await glue.getCurrentSession();
    expect(result.ok && result.session.userId).toBe("current-twin-3");
    expect(await glue.readSessionCookie(), "sign-out and revoke-others act on the live cookie").toBe(good);
  });

  it("junk only: signed out as malformed", async () => {
    twins(JUNK, "garbage");
    expect(await glue.getCurrentSession()).toEqual({ ok: false, reason: "malformed" });
  });

  it("a cookie this request set replaces whatever the Cookie header carried", async () => {
    const good = await liveCookie("current-twin-4");
    twins(JUNK, good);
    await glue.clearSessionCookie();
    expect(await glue.readSessionCookie(), "signed out in this request").toBeUndefined();
  });
});

describe("listCurrentUserSessions", () => {
  it("takes middleware's preloaded listing: zero Redis commands during render", async () => {
    const { cookie, id } = await signedInRequest("current-6");
    const kit = glue.getSessionKit();
    const validated = await kit.validateAndListSessions(cookie, { activityLimit: 20 });
    if (!validated.ok) throw new Error("expected a valid session");
    const listing = { ...validated.listing, activityLimit: 20 };
    request.headers.set(
      HANDOFF_HEADER,
      await kitContext(kit).handoff.sign(validated.session, cookie, listing),
    );

    countFetches();
    const listed = await glue.listCurrentUserSessions("current-6", { activityLimit: 20 });
    expect(listed.ok && listed.sessions.map((s) => s.id)).toEqual([id]);
    expect(listed).toEqual({ ok: true, ...validated.listing });
    expect(fetches, "render must not ask Redis again").toEqual([]);
  });

  it("lists by itself (one script) without a preloaded listing, or when the page wants more activity", async () => {
    const { cookie, id } = await signedInRequest("current-7");
    const kit = glue.getSessionKit();
    await kit.listUserSessions("current-7"); // loads the script: EVALSHA hits from now on
    countFetches();
    const plain = await glue.listCurrentUserSessions("current-7");
    expect(plain.ok && plain.sessions.map((s) => s.id)).toEqual([id]);
    expect(fetches.length, "no hand-off: one list script").toBe(1);

    const validated = await kit.validateAndListSessions(cookie, { activityLimit: 5 });
    if (!validated.ok) throw new Error("expected a valid session");
    const listing = { ...validated.listing, activityLimit: 5 };
    request.headers.set(
      HANDOFF_HEADER,
      await kitContext(kit).handoff.sign(validated.session, cookie, listing),
    );
    fetches.length = 0;
    expect((await glue.listCurrentUserSessions("current-7", { activityLimit: 5 })).ok).toBe(true);
    expect(fetches.length, "the preloaded limit suffices").toBe(0);
    expect((await glue.listCurrentUserSessions("current-7", { activityLimit: 20 })).ok).toBe(true);
    expect(fetches.length, "20 entries asked, 5 preloaded: lists by itself").toBe(1);
  });

  it("never serves one user's preloaded listing for another user id", async () => {
    const { cookie } = await signedInRequest("current-8");
    const kit = glue.getSessionKit();
    const validated = await kit.validateAndListSessions(cookie);
    if (!validated.ok) throw new Error("expected a valid session");
    const listing = { ...validated.listing, activityLimit: 0 };
    request.headers.set(
      HANDOFF_HEADER,
      await kitContext(kit).handoff.sign(validated.session, cookie, listing),
    );
    countFetches();
    expect(await glue.listCurrentUserSessions("current-9")).toEqual({ ok: true, sessions: [] });
    expect(fetches.length, "asked Redis for current-9").toBe(1);
  });
});
