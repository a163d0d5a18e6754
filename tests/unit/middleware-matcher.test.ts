/**
 * The middleware matcher (literal in middleware.ts, as Next requires) against the route policy and the kit: every
 * protected path and every request that carries a session cookie or a post reaches middleware; an anonymous GET
 * of a public page does not. Checked with Next's own matcher (`unstable_doesMiddlewareMatch`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { config as proxyConfig } from "@/docs/proxy.example";
import { ACCOUNT_PATHS, AUTH_PAGE_PATHS } from "@/lib/auth/session-routes";
import { sessionCookieValues } from "@/lib/session/cookie";
import { loadSessionConfig } from "@/lib/session/config";
import { config } from "@/middleware";

type Matches = (url: string, headers?: Record<string, string>) => boolean;
let matches: Matches;

beforeAll(async () => {
  // Next's testing entry loads its request storage, which expects the global Next's server installs.
  (globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
  const { unstable_doesMiddlewareMatch } = await import("next/experimental/testing/server");
  matches = (url, headers = {}) =>
    // cookies: null keeps the Cookie header as given (the helper would rebuild it from an object).
    unstable_doesMiddlewareMatch({
      config,
      url,
      headers,
      cookies: null as unknown as Record<string, string>,
    });
});

/** The kit's cookie name in development and in production (secure: `__Host-`), from its own config. */
const cookieNames = [false, true].map(
  (secureCookie) => loadSessionConfig({ secureCookie }, { SESSION_SECRET: "s".repeat(32) }).cookieName,
);

const PUBLIC_PAGES = ["/", "/?ref=mail", "/missing.png", "/logins"];

describe("middleware matcher", () => {
  it("lists exactly the route policy's protected paths", () => {
    const first = config.matcher[0];
    const alternatives = typeof first === "string" ? /^\/\(([^)]+)\)\/:path\*$/.exec(first)?.[1] : undefined;
    expect(
      alternatives
        ?.split("|")
        .map((name) => `/${name}`)
        .sort(),
      "first matcher entry",
    ).toEqual([...ACCOUNT_PATHS].sort());
  });

  it("lists exactly the route policy's sign-in and link pages second, and sends them to middleware without a cookie", () => {
    const second = config.matcher[1];
    const alternatives =
      typeof second === "string" ? /^\/\(([^)]+)\)\/:path\*$/.exec(second)?.[1] : undefined;
    expect(
      alternatives
        ?.split("|")
        .map((name) => `/${name}`)
        .sort(),
      "second matcher entry",
    ).toEqual([...AUTH_PAGE_PATHS].sort());
    for (const path of AUTH_PAGE_PATHS) {
      for (const url of [path, `${path}?token=abc`, `${path}?next=%2Faccount`])
        expect(matches(url), url).toBe(true);
    }
  });

  it("sends every protected path to middleware without any cookie, so it can redirect to sign-in", () => {
    for (const path of ACCOUNT_PATHS) {
      for (const url of [path, `${path}/`, `${path}/deeper`, `${path}?tab=password`]) {
        expect(matches(url), url).toBe(true);
      }
    }
    expect(matches("/accounts"), "a longer name is not protected").toBe(false);
  });

  it("lets an anonymous GET of a public page skip middleware", () => {
    for (const url of PUBLIC_PAGES) {
      expect(matches(url), url).toBe(false);
      expect(matches(url, { cookie: "theme=dark; session-ended=revoked" }), `${url}, other cookies`).toBe(
        false,
      );
    }
  });

  it("runs for the kit's cookie names, dev and __Host-, empty or twinned", () => {
    expect(cookieNames).toEqual(["session", "__Host-session"]);
    for (const name of cookieNames) {
      for (const cookie of [
        `${name}=v`,
        `a=1; ${name}=v`,
        `a=1;${name}=v`,
        `${name}=; ${name}=v`,
        `${name}=`,
      ]) {
        for (const url of PUBLIC_PAGES) expect(matches(url, { cookie }), `${url} with ${cookie}`).toBe(true);
      }
    }
  });

  it("runs whenever the kit would see a session cookie in the Cookie header", () => {
    const part = fc.oneof(
      fc.constantFrom(...cookieNames.map((name) => `${name}=v`), "x=1", "session", "=session=v", ""),
      fc.constantFrom(" ", ";", "=", "__Host-", "session", "%", "s"),
      fc.string({ maxLength: 6 }),
    );
    const header = fc.array(part, { maxLength: 8 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(header, (cookie) => {
        const seen = cookieNames.some((name) => sessionCookieValues(cookie, name).length > 0);
        // A request the kit would treat as signed in (or signed out: it clears the cookie) must reach it.
        return !seen || matches("/", { cookie });
      }),
      { numRuns: 2000 },
    );
  });

  it("runs for every post a browser, a Server Action or a form sends, public pages included", () => {
    for (const url of ["/", "/login", "/signup"]) {
      expect(matches(url, { origin: "https://evil.example" }), `${url} with Origin`).toBe(true);
      expect(matches(url, { "next-action": "abc" }), `${url} with Next-Action`).toBe(true);
      const form = { "content-type": "application/x-www-form-urlencoded" };
      expect(matches(url, form), `${url} no-JS form post without Origin`).toBe(true);
    }
  });

  it("never runs for static chunks, the health check or the session route", () => {
    const cookie = `${cookieNames[1] ?? ""}=v`;
    for (const url of ["/_next/static/chunks/app.js", "/api/health", "/api/session"]) {
      expect(matches(url, { cookie, origin: "https://evil.example" }), url).toBe(false);
    }
  });

  it("is the same in docs/proxy.example.ts", () => {
    expect(proxyConfig).toEqual(config);
  });
});
