/**
 * State-changing requests through both entry points, middleware.ts (Edge) and docs/proxy.example.ts (Node
 * proxy), against real Redis: cross-site posts are refused whatever forwarded headers the client adds, Server
 * Action posts that no form sends are refused before Next parses them, and an action posted while the store is
 * down still runs (its own session check answers "unavailable"). /api/session, which middleware skips, holds
 * its own state-changing methods to the same cross-site rule.
 */
import { NextRequest, type NextFetchEvent, type NextResponse } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionKit } from "@/lib/session";
import { randomPrefix } from "@/tests/support/redis";

type Entry = (request: NextRequest, event: NextFetchEvent) => Promise<NextResponse>;
type Loaded = { entries: [string, Entry][]; kit: SessionKit };

const event = { waitUntil: () => undefined } as unknown as NextFetchEvent;

/** Fresh modules (the kit singleton reads process.env on first use) with `env` on top of a random key prefix. */
async function load(env: Record<string, string> = {}): Promise<Loaded> {
  vi.unstubAllEnvs();
  vi.stubEnv("SESSION_KEY_PREFIX", randomPrefix("posts"));
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  const middleware = (await import("@/middleware")).default;
  const { proxy } = await import("@/docs/proxy.example");
  const { getSessionKit } = await import("@/lib/session/next");
  return {
    entries: [
      ["middleware.ts", middleware],
      ["proxy.example.ts", proxy],
    ],
    kit: getSessionKit(),
  };
}

afterAll(() => {
  vi.unstubAllEnvs();
});

async function signIn(kit: SessionKit, userId: string): Promise<string> {
  const created = await kit.createSession({ userId, device: { userAgent: "vitest" } });
  if (!created.ok) throw new Error(`setup: createSession failed (${created.reason})`);
  return created.cookie.value;
}

function post(
  path: string,
  init: { cookie?: string; headers?: Record<string, string>; body?: string; method?: string } = {},
): NextRequest {
  const headers = new Headers({ host: "app.example", "user-agent": "vitest", ...init.headers });
  if (init.cookie !== undefined) headers.set("cookie", `theme=dark; session=${init.cookie}`);
  return new NextRequest(`http://app.example${path}`, {
    method: init.method ?? "POST",
    headers,
    body: init.body,
  });
}

/** Headers of a Server Action post as Next's client sends it (multipart, with its length). */
function actionHeaders(bytes = 120): Record<string, string> {
  return {
    "next-action": "7f00aa",
    "content-type": "multipart/form-data; boundary=----x",
    "content-length": String(bytes),
  };
}

function passedOn(response: NextResponse): boolean {
  return response.headers.get("x-middleware-next") === "1";
}

async function expectRefused(response: NextResponse, status: number, text: RegExp): Promise<void> {
  expect(passedOn(response), "the request must not reach rendering").toBe(false);
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  expect(await response.text()).toMatch(text);
}

describe("cross-site posts", () => {
  let loaded: Loaded;
  beforeAll(async () => {
    loaded = await load();
  });

  it("are refused even when the client's X-Forwarded-Host names the attacker's origin", async () => {
    for (const [name, entry] of loaded.entries) {
      const cookie = await signIn(loaded.kit, `posts-xfh-${name}`);
      const response = await entry(
        post("/devices", {
          cookie,
          headers: { ...actionHeaders(), origin: "https://evil.example", "x-forwarded-host": "evil.example" },
        }),
        event,
      );
      await expectRefused(response, 403, /cross-origin/i);
    }
  });

  it("carrying the session cookie but neither Origin nor Sec-Fetch-Site: same-origin are refused", async () => {
    for (const [name, entry] of loaded.entries) {
      const cookie = await signIn(loaded.kit, `posts-no-origin-${name}`);
      for (const fetchSite of [undefined, "cross-site", "same-site", "none"]) {
        const headers: Record<string, string> = actionHeaders();
        if (fetchSite !== undefined) headers["sec-fetch-site"] = fetchSite;
        const response = await entry(post("/devices", { cookie, headers }), event);
        await expectRefused(response, 403, /origin/i);
      }
      const junk = await entry(post("/devices", { cookie, headers: { origin: "null" } }), event);
      await expectRefused(junk, 403, /cross-origin/i);
      const deleteWithoutOrigin = await entry(post("/account", { cookie, method: "DELETE" }), event);
      await expectRefused(deleteWithoutOrigin, 403, /origin/i);
    }
  });

  it("from this origin, or marked same-origin by the browser, or without a session cookie, go through", async () => {
    for (const [name, entry] of loaded.entries) {
      const cookie = await signIn(loaded.kit, `posts-ok-${name}`);
      const sameOrigin = await entry(
        post("/devices", { cookie, headers: { ...actionHeaders(), origin: "http://app.example" } }),
        event,
      );
      expect(passedOn(sameOrigin), `${name}: same-origin action post`).toBe(true);
      const fetchMetadata = await entry(
        post("/devices", { cookie, headers: { ...actionHeaders(), "sec-fetch-site": "same-origin" } }),
        event,
      );
      expect(passedOn(fetchMetadata), `${name}: Sec-Fetch-Site: same-origin`).toBe(true);
      // No cookie, no ambient authority to abuse: a script's sign-in or the cron job.
      const anonymous = await entry(post("/api/cron/cleanup"), event);
      expect(passedOn(anonymous), `${name}: cookie-less post`).toBe(true);
      const get = await entry(post("/devices", { cookie, method: "GET" }), event);
      expect(passedOn(get), `${name}: a GET is not checked`).toBe(true);
    }
  });

  it("trust a forwarded host header only when SESSION_TRUSTED_HOST_HEADER names it", async () => {
    const trusted = await load({ SESSION_TRUSTED_HOST_HEADER: "x-forwarded-host" });
    for (const [name, entry] of trusted.entries) {
      const cookie = await signIn(trusted.kit, `posts-trusted-${name}`);
      const viaProxy = (origin: string, forwardedHost: string): NextRequest =>
        post("/devices", {
          cookie,
          headers: {
            ...actionHeaders(),
            host: "10.0.0.7:3000",
            origin,
            "x-forwarded-host": forwardedHost,
          },
        });
      expect(passedOn(await entry(viaProxy("https://app.example", "app.example"), event)), name).toBe(true);
      // A proxy that appends: the last entry is the one it wrote.
      expect(
        passedOn(await entry(viaProxy("https://app.example", "evil.example, app.example"), event)),
        name,
      ).toBe(true);
      await expectRefused(
        await entry(viaProxy("https://evil.example", "app.example"), event),
        403,
        /cross-origin/i,
      );
      // A client-sent value in front of the proxy's is ignored.
      await expectRefused(
        await entry(viaProxy("https://evil.example", "evil.example, app.example"), event),
        403,
        /cross-origin/i,
      );
      // Configured but absent (a request that bypassed the proxy): the Host header decides.
      const direct = post("/devices", {
        cookie,
        headers: { ...actionHeaders(), origin: "http://app.example" },
      });
      expect(passedOn(await entry(direct, event)), name).toBe(true);
    }
    loaded = await load();
  });
});

describe("Server Action posts no form sends", () => {
  let loaded: Loaded;
  beforeAll(async () => {
    loaded = await load();
  });

  it("are refused before Next parses them: JSON or text 400, no length 411, too long 413", async () => {
    for (const [name, entry] of loaded.entries) {
      const cookie = await signIn(loaded.kit, `posts-body-${name}`);
      const send = (headers: Record<string, string>): Promise<NextResponse> =>
        entry(post("/login", { cookie, headers: { origin: "http://app.example", ...headers } }), event);

      for (const contentType of [
        "application/json",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
      ]) {
        await expectRefused(await send({ ...actionHeaders(), "content-type": contentType }), 400, /form/i);
      }
      const noLength: Record<string, string> = actionHeaders();
      delete noLength["content-length"];
      await expectRefused(await send(noLength), 411, /length/i);
      await expectRefused(await send(actionHeaders(1024 * 1024)), 413, /too large/i);
      // A form posted without JavaScript carries no next-action header, and is held to the same limits.
      await expectRefused(
        await send({
          "content-type": "multipart/form-data; boundary=----x",
          "content-length": String(1024 * 1024),
        }),
        413,
        /too large/i,
      );
      expect(passedOn(await send(actionHeaders())), `${name}: a genuine action post`).toBe(true);
    }
  });
});

describe("a Server Action posted while the store is down", () => {
  it("still runs, so it can answer with its own 'unavailable' form state; pages answer 503", async () => {
    const up = await load();
    const cookies = new Map<string, string>();
    for (const [name] of up.entries) cookies.set(name, await signIn(up.kit, `posts-down-${name}`));

    vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const down = await load({
        UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
        SESSION_REDIS_TIMEOUT_MS: "300",
      });
      for (const [name, entry] of down.entries) {
        const cookie = cookies.get(name);
        const headers = { ...actionHeaders(), origin: "http://app.example" };
        const action = await entry(post("/devices", { cookie, headers }), event);
        expect(passedOn(action), `${name}: the action runs`).toBe(true);
        expect(action.headers.get("x-middleware-request-x-session-handoff"), "no hand-off").toBeNull();
        const page = await entry(post("/devices", { cookie, method: "GET" }), event);
        expect(page.status, `${name}: the page`).toBe(503);
      }
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe("/api/session (outside middleware)", () => {
  it("refuses a cross-origin POST or DELETE even when the client's X-Forwarded-Host names the attacker", async () => {
    await load();
    const route = await import("@/app/api/session/route");
    for (const method of ["POST", "DELETE"] as const) {
      const request = post("/api/session", {
        method,
        cookie: "sealed-cookie",
        headers: { origin: "https://evil.example", "x-forwarded-host": "evil.example" },
      });
      const response = await route[method](request);
      expect(response.status, method).toBe(403);
      expect(await response.text()).toMatch(/cross-origin/i);
    }
  });
});
