/**
 * The session check from docs/proxy.example.ts (Next.js 16 proxy, Node.js runtime) against real Redis:
 * the same sessionMiddleware core that middleware.ts runs on the Edge.
 */
import { NextRequest, type NextFetchEvent } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { config as proxyConfig, proxy } from "@/docs/proxy.example";
import { config as middlewareConfig } from "@/middleware";
import type { SessionKit } from "@/lib/session";
import { getSessionKit } from "@/lib/session/next";
import { randomPrefix } from "../support/redis";
import { kitContext } from "@/lib/session/kit";

let kit: SessionKit;
const pending: Promise<unknown>[] = [];
const event = {
  waitUntil: (promise: Promise<unknown>) => pending.push(promise),
} as unknown as NextFetchEvent;

beforeAll(() => {
  // The kit singleton reads process.env on first use.
  vi.stubEnv("SESSION_KEY_PREFIX", randomPrefix("proxy"));
  kit = getSessionKit();
});

// Forked workers run several files: leave no environment behind for the next one.
afterAll(() => {
  vi.unstubAllEnvs();
});

function request(path: string, cookie?: string): NextRequest {
  const headers = new Headers({ "user-agent": "vitest" });
  if (cookie !== undefined) headers.set("cookie", `${kit.config.cookieName}=${cookie}`);
  // A client-sent hand-off header must never reach rendering.
  headers.set("x-session-handoff", "forged");
  return new NextRequest(new URL(path, "http://localhost:3000"), { headers });
}

async function signedIn(userId: string): Promise<string> {
  const created = await kit.createSession({ userId, device: { userAgent: "vitest" } });
  if (!created.ok) throw new Error(`setup: createSession failed (${created.reason})`);
  return created.cookie.value;
}

describe("proxy.example.ts in the Node.js runtime", () => {
  it("runs on the same paths as middleware.ts", () => {
    expect(proxyConfig).toEqual(middlewareConfig);
  });

  it("runs in Node, not the Edge VM", () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe("undefined");
    expect(process.versions.node).toBeTruthy();
  });

  it("lets a valid session through to a protected page with a fresh signed hand-off header", async () => {
    const cookie = await signedIn("proxy-user-1");
    const response = await proxy(request("/devices", cookie), event);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-middleware-next")).toBe("1");
    const handoff = response.headers.get("x-middleware-request-x-session-handoff");
    expect(handoff, "hand-off header forwarded to rendering").toBeTruthy();
    expect(handoff).not.toBe("forged");
    expect(await kitContext(kit).handoff.verify(handoff, cookie)).toMatchObject({
      session: { userId: "proxy-user-1" },
    });
  });

  it("redirects a signed-out visit to a protected page to /login with next and reason", async () => {
    const response = await proxy(request("/account?tab=password"), event);
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("next")).toBe("/account?tab=password");
    expect(location.searchParams.get("reason")).toBe("missing");
  });

  it("tells a revoked device why, and clears its cookie", async () => {
    const cookie = await signedIn("proxy-user-2");
    const listed = await kit.listUserSessions("proxy-user-2");
    if (!listed.ok || listed.sessions[0] === undefined) throw new Error("setup: no session listed");
    await kit.revokeSession("proxy-user-2", listed.sessions[0].id);

    const response = await proxy(request("/devices", cookie), event);
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get("location") ?? "").searchParams.get("reason")).toBe("revoked");
    expect(response.headers.get("set-cookie")).toMatch(new RegExp(`^${kit.config.cookieName}=;`));
  });

  it("treats a garbage cookie as signed out on a public page, without redirecting", async () => {
    const response = await proxy(request("/", "garbage"), event);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.get("set-cookie")).toMatch(new RegExp(`^${kit.config.cookieName}=;`));
  });
});
